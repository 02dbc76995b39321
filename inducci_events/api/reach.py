"""``/programmes/<id>/reach``: a programme's targets against what the data counts."""
from marshmallow import fields, validate

from ..core.auth import api_user
from ..reach import queries
from . import bp
from .schema import Int, OneOf, Out, Query, Text

_MONTH = r"^\d{4}-\d{2}$"


class ReachArgs(Query):
    by = OneOf(["month"], metadata={"description": "month: add each target's actual per month"})
    from_ = Text(7, data_key="from", validate=validate.Regexp(_MONTH), metadata={
        "description": "first month (YYYY-MM, the organisation's zone); default 11 months before `until`"})
    until = Text(7, validate=validate.Regexp(_MONTH), metadata={
        "description": "last month (YYYY-MM); default the current month; at most 36 months in all"})


class MonthActual(Out):
    month = fields.String(required=True, metadata={"description": "YYYY-MM in the organisation's zone"})
    actual = fields.Integer(required=True, allow_none=True)


class TargetReach(Out):
    label = fields.String(required=True)
    target = fields.Integer(required=True, attribute="value")
    actual = fields.Integer(required=True, allow_none=True,
                            metadata={"description": "null: what counts is not counted yet"})
    unit = fields.String(required=True, metadata={"description": "people, bookings, days, appointments, count ..."})
    metric = fields.String(required=True, attribute="target.metric",
                           metadata={"description": "what counts, e.g. people_enrolled, exhibitors, manual"})
    months = fields.List(fields.Nested(MonthActual), metadata={"description": "with by=month only"})


class ProgrammeReach(Out):
    programme_id = Int(required=True)
    targets = fields.List(fields.Nested(TargetReach), required=True)


@bp.operation("/programmes/<int:programme_id>/reach", "GET", tag="organisations", auth=True,
              errors=(403, 404, 422))
@bp.arguments(ReachArgs, location="query")
@bp.response(200, ProgrammeReach)
def programme_reach(args, programme_id):
    """Each reach target of a programme with its actual counted from the data (organisers
    of its organisation and site admins)."""
    from ..core.timeutil import parse_month

    programme = queries.viewable_programme(programme_id, api_user())
    months = None
    if args.get("by") == "month":
        months = queries.month_range(programme.organisation.timezone,
                                     parse_month(args.get("from_"), "from"), parse_month(args.get("until"), "until"))
    rows = queries.programme_reach(programme, months)
    out = []
    for row in rows:
        item = {"label": row.label, "value": row.value, "actual": row.actual, "unit": row.unit, "target": row.target}
        if months:
            item["months"] = [{"month": m.strftime("%Y-%m"), "actual": v} for m, v in row.months]
        out.append(item)
    return {"programme_id": programme.id, "targets": out}
