"""The API's one schema layer: strict, bounded marshmallow fields and the request parser.

Every payload is a marshmallow schema declared once, next to its routes; flask-smorest
uses it to validate input (webargs), to shape output and to write the OpenAPI document.
The fields here are stricter than marshmallow's defaults, because partner apps send what
they send and the database must never see it unchecked:

- text is trimmed, bounded, and refused when it holds a NUL byte or a lone surrogate
  (PostgreSQL cannot store either); required text must not be empty after trimming;
- integers are integers (no ``true``, no ``"1"``, no ``1.5``) within bounds that fit the
  database's integer columns; booleans are ``true``/``false`` only (``"no"`` is refused);
- dates are ``YYYY-MM-DD`` and times ISO 8601 *with* an offset, in the years 1900-2200;
- lists and maps are bounded; unknown fields in a body are refused (422).
"""
import json
import re
from datetime import date, datetime, time, timezone

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser, is_json_request

from ..core.errors import BadRequest, ValidationFailed

MIN_YEAR, MAX_YEAR = 1900, 2200
#: Ids and counts must fit PostgreSQL's ``integer``.
MAX_INT = 2**31 - 1
#: How deeply a JSON body may nest (the deepest payload, an event, needs 4).
MAX_JSON_DEPTH = 32

_SURROGATE = re.compile("[\ud800-\udfff]")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$")


def check_text(value):
    """Refuse text PostgreSQL cannot store: NUL bytes and lone surrogates."""
    if "\x00" in value or _SURROGATE.search(value):
        raise ma.ValidationError(str(_l("Text may not contain NUL bytes or unpaired surrogates.")))
    return value


# --- fields -------------------------------------------------------------------------


class Text(fields.String):
    """Trimmed text of at most ``max_length`` characters; a required one must not be empty."""

    def __init__(self, max_length, *, min_length=None, **kwargs):
        required = kwargs.get("required", False)
        minimum = min_length if min_length is not None else (1 if required else None)
        kwargs.setdefault("validate", [])
        if not isinstance(kwargs["validate"], list):
            kwargs["validate"] = [kwargs["validate"]]
        kwargs["validate"] = [validate.Length(min=minimum, max=max_length)] + kwargs["validate"]
        if required:
            kwargs.setdefault("metadata", {}).setdefault("pattern", r"\S")
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        return check_text(value).strip()


class Email(Text):
    """An e-mail address by shape only (the accounts service decides the rest)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update(format="email")
        super().__init__(254, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        local, at, domain = value.rpartition("@")
        if not at or not local or "." not in domain.strip(".") or any(c.isspace() for c in value):
            raise ma.ValidationError(str(_l("Not a valid e-mail address.")))
        return value


class Int(fields.Integer):
    """A JSON integer (never a boolean, a string or a fraction) within ``[minimum, maximum]``."""

    def __init__(self, minimum=0, maximum=MAX_INT, **kwargs):
        kwargs["validate"] = [validate.Range(min=minimum, max=maximum)] + list(kwargs.get("validate") or [])
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class QueryInt(Int):
    """An integer in a query string (digits only)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and re.fullmatch(r"-?\d{1,12}", value.strip()):
            value = int(value)
        return super()._deserialize(value, attr, data, **kwargs)


class Id(Int):
    def __init__(self, **kwargs):
        super().__init__(1, MAX_INT, **kwargs)


class Bool(fields.Boolean):
    """``true`` or ``false``: no ``"no"``, ``0`` or ``"yes"``."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class QueryBool(fields.Boolean):
    """``true``/``false`` in a query string."""

    truthy = {"true"}
    falsy = {"false"}

    def _deserialize(self, value, attr, data, **kwargs):
        if value not in ("true", "false"):
            raise self.make_error("invalid")
        return value == "true"


def _check_year(value):
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ma.ValidationError(str(_l("Dates must lie in the years %(first)d to %(last)d.",
                                         first=MIN_YEAR, last=MAX_YEAR)))
    return value


class Day(fields.Date):
    """``YYYY-MM-DD`` in the years 1900-2200."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update(minLength=10, maxLength=10)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not _DATE.match(value):
            raise ma.ValidationError(str(_l("A date as YYYY-MM-DD.")))
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ma.ValidationError(str(_l("A date as YYYY-MM-DD."))) from None
        return _check_year(day)


class Instant(fields.AwareDateTime):
    """ISO 8601 with an offset (``2026-03-10T09:00:00+01:00``) in the years 1900-2200 -> aware UTC."""

    def _deserialize(self, value, attr, data, **kwargs):
        message = str(_l("An ISO 8601 time with offset, e.g. 2026-03-10T09:00:00+01:00."))
        if not isinstance(value, str) or not _DATETIME.match(value):
            raise ma.ValidationError(message)
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ma.ValidationError(message) from None
        _check_year(parsed)
        try:
            utc = parsed.astimezone(timezone.utc)
        except OverflowError:
            raise ma.ValidationError(message) from None
        return _check_year(utc)


class Clock(fields.String):
    """A wall-clock time ``HH:MM``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", value):
            raise ma.ValidationError(str(_l("A time as HH:MM.")))
        return time(int(value[:2]), int(value[3:]))


def Bounded(inner, max_items, **kwargs):  # noqa: N802 - reads like a field class
    """A list of at most ``max_items`` items."""
    validators = [validate.Length(max=max_items)] + list(kwargs.pop("validate", []) or [])
    return fields.List(inner, validate=validators, **kwargs)


def OneOf(values, **kwargs):  # noqa: N802
    """A string from a fixed set (the OpenAPI document lists them)."""
    return fields.String(validate=validate.OneOf(list(values)), **kwargs)


class LocalTime(fields.DateTime):
    """Output: an aware UTC instant in a zone read from the object (``tz`` is its attribute path)."""

    def __init__(self, tz, **kwargs):
        self.tz = tz
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        from ..core.timeutil import isoformat_local

        return isoformat_local(value, ma.utils.get_value(obj, self.tz))


class FeedUrl(fields.Url):
    """Output: the public iCalendar feed of the object (``id_path`` reads its id)."""

    def __init__(self, endpoint, key, id_path, **kwargs):
        self.endpoint, self.key, self.id_path = endpoint, key, id_path
        kwargs.setdefault("metadata", {}).setdefault("description", "public iCalendar feed (no personal data)")
        kwargs["metadata"]["format"] = "uri"
        super().__init__(required=True, dump_default="", **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        from ..core.ical import absolute

        return absolute(self.endpoint, **{self.key: ma.utils.get_value(obj, self.id_path)})


# --- schemas ------------------------------------------------------------------------


class Body(ma.Schema):
    """A request body: unknown fields are refused."""

    class Meta:
        unknown = ma.RAISE


class Query(ma.Schema):
    """Query arguments: other arguments (cache busters, pagination) are left alone."""

    class Meta:
        unknown = ma.EXCLUDE


class Out(ma.Schema):
    """A response shape (dumped only)."""


class ErrorDetail(Out):
    code = fields.String(required=True, metadata={"description": "snake_case, stable"})
    message = fields.String(required=True, metadata={"description": "human text in the request's language"})
    fields_ = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), data_key="fields",
                          metadata={"description": "field (dotted path) -> messages; validation errors only"})


class Error(Out):
    error = fields.Nested(ErrorDetail, required=True)


class PageArgs(Query):
    page = QueryInt(1, 100_000, load_default=1)
    per_page = QueryInt(1, 200, load_default=50)


class History(Query):
    """The caller's own items: what is coming, or (``past=true``) the history."""

    past = QueryBool(load_default=False, metadata={"description": "true: the history instead of what is coming"})


class PaginationHeader(Out):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total_pages = fields.Integer(required=True)


# --- parsing ------------------------------------------------------------------------


def _depth_exceeds(text, limit):
    """Whether JSON ``text`` nests arrays/objects deeper than ``limit`` (strings skipped)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


def flatten_messages(messages, prefix=""):
    """marshmallow's nested error dict -> ``{"sessions.0.starts_at": [...]}``."""
    flat = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}{key}" if key != "_schema" or not prefix else prefix.rstrip(".")
            if isinstance(value, dict):
                flat.update(flatten_messages(value, f"{path}."))
            else:
                flat.setdefault(path, []).extend(str(m) for m in (value if isinstance(value, list) else [value]))
    else:
        flat.setdefault(prefix.rstrip(".") or "_schema", []).extend(str(m) for m in messages)
    return flat


def _malformed(message):
    return BadRequest("malformed_json", message)


class Parser(FlaskParser):
    """webargs, speaking the project's error format: 400 ``malformed_json`` for a body that is
    not a JSON object (or nests too deeply), 422 ``validation_failed`` with dotted field paths."""

    DEFAULT_VALIDATION_STATUS = 422

    def load_json(self, req, schema):
        raw = req.get_data(cache=True)
        if not raw.strip():
            return webargs_core.missing
        if not is_json_request(req):
            raise _malformed(_l("The request body must be valid JSON (Content-Type: application/json)."))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _malformed(_l("The request body must be valid JSON in UTF-8.")) from None
        if _depth_exceeds(text, MAX_JSON_DEPTH):
            raise _malformed(_l("The JSON body nests too deeply."))
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            raise _malformed(_l("The request body must be valid JSON (Content-Type: application/json).")) from None
        if not isinstance(data, dict):
            raise _malformed(_l("The request body must be a JSON object."))
        return data

    def load_querystring(self, req, schema):
        wrong = {}
        for name, value in req.args.items(multi=True):
            try:
                check_text(name + value)
            except ma.ValidationError as error:
                wrong[check_text_safe(name)] = error.messages
        if wrong:
            raise ValidationFailed(fields=wrong)
        return super().load_querystring(req, schema)

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        messages = error.messages
        if isinstance(messages, dict) and len(messages) == 1 and next(iter(messages)) in self.__location_map__:
            messages = next(iter(messages.values()))
        raise ValidationFailed(fields=flatten_messages(messages))


def check_text_safe(text):
    """``text`` with what :func:`check_text` refuses replaced, fit to be echoed in an error."""
    return _SURROGATE.sub("\ufffd", text.replace("\x00", "\ufffd"))


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


parser = Parser()
