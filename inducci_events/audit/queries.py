"""Reading the audit log (organisers: their organisation's; admins: everything)."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from .models import AuditEntry

PAGE_SIZE = 100

#: What each recorded action is called in the log (organisers and admins read it).
ACTION_LABELS = {
    "organisation.create": _l("Organisation created"),
    "organisation.update": _l("Organisation changed"),
    "membership.grant": _l("Role granted"),
    "membership.revoke": _l("Role revoked"),
    "user.deactivate": _l("Account deactivated"),
    "user.reactivate": _l("Account reactivated"),
    "mail.retry": _l("Undelivered e-mail sent again"),
    "mail.discard": _l("Undelivered e-mail discarded"),
}


def entries(organisation_id=None, *, before_id=None, limit=PAGE_SIZE):
    """Newest first; ``organisation_id=None`` means every entry (admins). ``before_id`` pages on."""
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if organisation_id is not None:
        query = query.where(AuditEntry.organisation_id == organisation_id)
    if before_id is not None and 0 < before_id < 2**31:  # other values (from a URL) mean "from the top"
        query = query.where(AuditEntry.id < before_id)
    return db.session.scalars(query).all()
