"""The DomainError family: what a service raises when a rule refuses an action.

Each error carries a stable snake_case ``code`` (the API's ``error.code``), a
translated human ``message`` and the HTTP status it maps to. Feature packages subclass
these (``EventFull(Conflict)``, ``SlotTaken(Conflict)`` ...).
"""
from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    status = 400
    code = "bad_request"
    default_message = _l("The request could not be processed.")

    def __init__(self, code=None, message=None, *, fields=None):
        self.code = code or self.code
        self.message = message if message is not None else self.default_message
        self.fields = fields or None
        # Keep the (lazy) message as it is: services build some errors in advance (e.g. the
        # "not found" of lock_parent) and translating them would cost every request.
        super().__init__(self.message)

    def __str__(self):
        return str(self.message)

    def to_dict(self):
        body = {"code": self.code, "message": str(self.message)}
        if self.fields:
            body["fields"] = {k: [str(m) for m in v] for k, v in self.fields.items()}
        return {"error": body}


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    default_message = _l("Log in first: credentials are missing or wrong.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = _l("You are not allowed to do this.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _l("There is no such item.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _l("This conflicts with the current state.")


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"
    default_message = _l("Some values are not valid.")


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    default_message = _l("Too many attempts. Wait a minute and try again.")
