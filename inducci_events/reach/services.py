"""Organisers set their programmes' reach targets and enter hand counts; nobody else's."""
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core.auth import require_organiser
from ..core.capacity import lock_parent
from ..core.db import unit_of_work
from ..core.errors import NotFound, ValidationFailed
from ..organisations.models import Programme, ReachTarget
from . import metrics
from .models import ReachTally

#: The largest target or daily count (fits the database's integer with room to add up).
MAX_VALUE = 10_000_000


def _check(label, value, metric):
    fields = {}
    label = (label or "").strip()
    if not label or len(label) > 120:
        fields["label"] = [_("Give the target a name of at most 120 characters.")]
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_VALUE:
        fields["value"] = [_("The target must be a whole number from 1 to %(max)s.", max=MAX_VALUE)]
    if not metrics.is_known(metric):
        fields["metric"] = [_("Choose what counts towards the target.")]
    if fields:
        raise ValidationFailed(fields=fields)
    return label


def save_target(actor, programme_id, *, label, value, metric, target_id=None):
    """Add a target to a programme of the actor's own organisation, or change one.

    :raises Forbidden: the actor does not organise the programme's organisation.
    :raises NotFound: no such programme, or the target belongs to another programme.
    :raises ValidationFailed: an empty label, a value outside 1..MAX_VALUE, an unknown metric.
    """
    label = _check(label, value, metric)
    with unit_of_work() as session:
        programme = lock_parent(Programme, programme_id)
        require_organiser(actor, programme.organisation_id)
        if target_id is None:
            position = session.scalar(sa.select(sa.func.coalesce(sa.func.max(ReachTarget.position), -1))
                                      .where(ReachTarget.programme_id == programme.id)) + 1
            target = ReachTarget(programme_id=programme.id, position=position)
            session.add(target)
        else:
            target = session.get(ReachTarget, target_id)
            if target is None or target.programme_id != programme.id:
                raise NotFound("target_not_found")
        target.label, target.value, target.metric = label, value, metric
    return target


def delete_target(actor, target_id):
    """Remove a target (and its hand counts) of the actor's own organisation.

    :raises NotFound: no such target. :raises Forbidden: another organisation's.
    """
    with unit_of_work() as session:
        target = session.get(ReachTarget, target_id)
        if target is None:
            raise NotFound("target_not_found")
        require_organiser(actor, target.programme.organisation_id)
        session.delete(target)


def record_tally(actor, target_id, *, day, count):
    """Set the hand count of ``day`` (in the organisation's zone) for a manual target; 0
    removes the day. Entering a day again replaces its count, so a correction is a re-entry.

    :raises NotFound: no such target. :raises Forbidden: another organisation's.
    :raises ValidationFailed: the target is not counted by hand, or a count out of range.
    """
    if not isinstance(day, date) or isinstance(count, bool) or not isinstance(count, int) \
            or not 0 <= count <= MAX_VALUE:
        raise ValidationFailed(fields={"count": [_("Enter a day and a whole number from 0 to %(max)s.",
                                                    max=MAX_VALUE)]})
    with unit_of_work() as session:
        target = lock_parent(ReachTarget, target_id)
        require_organiser(actor, target.programme.organisation_id)
        if target.metric != "manual":
            message = _("This target is counted from the bookings, not by hand.")
            raise ValidationFailed("not_manual", message, fields={"count": [message]})
        tally = session.scalar(sa.select(ReachTally).where(ReachTally.target_id == target.id,
                                                           ReachTally.day == day))
        if count == 0:
            if tally is not None:
                session.delete(tally)
            return None
        if tally is None:
            tally = ReachTally(target_id=target.id, day=day)
            session.add(tally)
        tally.count, tally.entered_by_id = count, getattr(actor, "id", None)
    return tally
