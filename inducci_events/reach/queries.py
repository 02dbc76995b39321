"""Read-only: targets against actuals for a programme, an organisation, all partners; the
monthly breakdown; the tallies entered by hand. Shared by pages, CSV and API."""
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..core.auth import require_organiser
from ..core.errors import Forbidden, NotFound, Unauthorized
from ..core.spreadsheet import csv_text
from ..core.timeutil import utc_to_local
from ..extensions import db
from ..organisations.models import Organisation, Programme, ReachTarget
from . import metrics
from .metrics import Period
from .models import ReachTally

#: The longest monthly breakdown asked for at once.
MAX_MONTHS = 36
#: The monthly breakdown shown when no range is asked for: this many months up to this one.
DEFAULT_MONTHS = 12


@dataclass
class Row:
    target: ReachTarget
    actual: int | None
    months: list = field(default_factory=list)  # [(first day of month, actual)]

    @property
    def label(self):
        return self.target.label

    @property
    def value(self):
        return self.target.value

    @property
    def unit(self):
        return metrics.unit_of(self.target.metric)

    @property
    def metric_label(self):
        return metrics.label_of(self.target.metric)

    @property
    def counted(self):
        return self.actual is not None

    @property
    def percent(self):
        """Share of the target reached, 0-100 (a bar never runs past its end)."""
        if self.actual is None:
            return 0
        return min(100, round(100 * self.actual / self.target.value))


def add_months(first, n):
    months = first.year * 12 + first.month - 1 + n
    return date(months // 12, months % 12 + 1, 1)


def this_month(tz_name, now=None):
    today = utc_to_local(now or datetime.now(timezone.utc), tz_name).date()
    return today.replace(day=1)


def month_range(tz_name, first=None, last=None, now=None):
    """First days of the months from ``first`` to ``last`` (inclusive), by default the
    :data:`DEFAULT_MONTHS` months up to the current one in ``tz_name``.

    :raises ValidationFailed: an empty or too long range.
    """
    from ..core.errors import ValidationFailed

    last = last or this_month(tz_name, now)
    first = first or add_months(last, 1 - DEFAULT_MONTHS)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    if count < 1 or count > MAX_MONTHS:
        raise ValidationFailed(fields={"from": [_l("Choose from 1 to %(max)d months, “from” before “until”.",
                                                   max=MAX_MONTHS)]})
    return [add_months(first, i) for i in range(count)]


def viewable_programme(programme_id, user):
    """The programme, for organisers of its organisation and site admins.

    :raises NotFound: no such programme. :raises Forbidden: anyone else.
    """
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        raise NotFound("programme_not_found")
    require_organiser(user, programme.organisation_id)
    return programme


def target_of(target_id, user):
    """A target, for organisers of its programme's organisation (and admins)."""
    target = db.session.get(ReachTarget, target_id)
    if target is None:
        raise NotFound("target_not_found")
    require_organiser(user, target.programme.organisation_id)
    return target


def programme_reach(programme, months=None):
    """One :class:`Row` per target; with ``months`` (first days), the actual of each month."""
    rows = []
    for target in programme.targets:
        row = Row(target, metrics.count_target(target))
        if months and row.counted:
            row.months = [(m, metrics.count_target(target, Period(m, add_months(m, 1)))) for m in months]
        elif months:
            row.months = [(m, None) for m in months]
        rows.append(row)
    return rows


def organisation_reach(org):
    """``[(programme, rows)]`` for every programme of ``org``."""
    return [(p, programme_reach(p)) for p in org.programmes]


def may_see_overview(user):
    """Site admins and organisers of a partner organisation (the consortium reports together)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    ids = user.organised_organisation_ids
    return bool(ids) and db.session.scalar(
        sa.select(sa.func.count()).select_from(Organisation)
        .where(Organisation.id.in_(ids), Organisation.is_partner.is_(True))) > 0


def overview(user):
    """``[(organisation, [(programme, rows)])]`` for the partners.

    :raises Forbidden: neither a site admin nor an organiser of a partner.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthorized()
    if not may_see_overview(user):
        raise Forbidden("not_partner", _l("Only site administrators and the partners' organisers may see this."))
    orgs = db.session.scalars(sa.select(Organisation).where(Organisation.is_partner.is_(True))
                              .order_by(Organisation.name)).all()
    return [(org, organisation_reach(org)) for org in orgs]


def tallies(target, limit=60):
    """The latest days counted by hand for ``target``, newest first."""
    return db.session.scalars(sa.select(ReachTally).where(ReachTally.target_id == target.id)
                              .order_by(ReachTally.day.desc()).limit(limit)).all()


def reach_csv(programme, rows, months, labels):
    """Targets, actuals and the monthly actuals as CSV for Excel (:mod:`core.spreadsheet`).
    ``labels`` holds the translated column headings."""
    header = [labels["programme"], labels["target_name"], labels["counts"], labels["target"],
              labels["actual"]] + [m.strftime("%Y-%m") for m in months]
    return csv_text(header, ([programme.title, row.label, str(row.metric_label), row.value,
                              "" if row.actual is None else row.actual]
                             + ["" if v is None else v for _m, v in row.months] for row in rows))
