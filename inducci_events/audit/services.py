"""Recording audit entries, inside the caller's unit of work."""
from datetime import date, datetime

from ..core.db import in_unit_of_work
from .models import AuditEntry


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def changes_of(before, after):
    """``{field: [before, after]}`` for each field of the two dicts whose value differs."""
    return {name: [_plain(before.get(name)), _plain(value)] for name, value in after.items()
            if before.get(name) != value}


def record(session, *, actor, action, subject_type, subject_id=None, organisation_id=None,
           subject_user_id=None, summary="", changes=None):
    """Add an entry to ``session``; it commits with the action it describes.

    :param actor: the user acting (``None`` for the command line).
    :param changes: ``{field: [before, after]}``, see :func:`changes_of`.
    """
    if not in_unit_of_work():
        raise RuntimeError("audit entries are written in the action's own unit of work")
    session.add(AuditEntry(actor_id=getattr(actor, "id", None), action=action, subject_type=subject_type,
                           subject_id=subject_id, organisation_id=organisation_id,
                           subject_user_id=subject_user_id, summary=(summary or "")[:300],
                           changes=changes or {}))
