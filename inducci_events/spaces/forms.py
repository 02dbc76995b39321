"""Forms for listings and bookings (pages; the API has its schemas)."""
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..core.timeutil import within_years
from .services import opening_hours_example

KIND_LABELS = {
    "shop": _l("Shop"), "studio": _l("Studio"), "showroom_shelf": _l("Showroom shelf"), "box": _l("Box"),
    "desk": _l("Desk"), "workshop": _l("Workshop"), "office": _l("Office"),
}
MODE_LABELS = {"request": _l("On request (organiser approves)"), "instant": _l("Instant booking")}
LISTING_STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "archived": _l("Archived")}
BOOKING_STATUS_LABELS = {
    "requested": _l("requested"), "confirmed": _l("confirmed"), "declined": _l("declined"),
    "cancelled": _l("cancelled"), "expired": _l("expired"),
}

_DAYS = [NumberRange(min=1, max=3660)]

def choices(pairs):
    """``[(value, label)]`` as the :class:`SelectChoice` objects WTForms wants."""
    return [SelectChoice(value, label) for value, label in pairs]


class SearchForm(FlaskForm):
    """The listing search (GET, no CSRF token needed)."""

    class Meta:
        csrf = False

    region = SelectField(_l("Region"), choices=[], validate_choice=False, validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=choices([("", _l("Any kind"))] + list(KIND_LABELS.items())),
                       validators=[Optional()])
    start = DateField(_l("From"), validators=[Optional(), within_years])
    end = DateField(_l("Until (last day)"), validators=[Optional(), within_years])
    units = IntegerField(_l("Units needed"), default=1, validators=[Optional(), NumberRange(min=1, max=1000)])


class BookingForm(FlaskForm):
    """A person books whole days from the first to the last day (both included)."""

    start_date = DateField(_l("First day"), validators=[InputRequired(), within_years])
    last_day = DateField(_l("Last day"), description=_l("The last day you use the space (included)."),
                         validators=[InputRequired(), within_years])
    units = IntegerField(_l("Units"), default=1, validators=[InputRequired(), NumberRange(min=1, max=1000)])
    purpose = TextAreaField(_l("What do you want to try?"), validators=[InputRequired(), Length(max=5000)])
    team = TextAreaField(
        _l("Team (cooperative residency)"),
        description=_l("Optional. One person per line: name, home region, e.g. “Jan Novák, Sokolov”."),
        validators=[Optional(), Length(max=5000)])
    accept_terms = BooleanField(_l("I accept the terms of use"))


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason (the creative will see it)"), validators=[InputRequired(), Length(max=1000)])


class ListingForm(FlaskForm):
    venue_id = SelectField(_l("Venue"), coerce=int, choices=[], validators=[InputRequired()])
    programme_id = SelectField(_l("Programme"), coerce=int, choices=[], validators=[Optional()])
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    kind = SelectField(_l("Kind"), choices=choices(KIND_LABELS.items()), validators=[InputRequired()])
    units = IntegerField(_l("Units"), default=1,
                         description=_l("How many can be booked in parallel: a shop is 1, a showroom with "
                                        "15 shelves is 15."),
                         validators=[InputRequired(), NumberRange(min=1, max=1000)])
    min_days = IntegerField(_l("Minimum days"), default=1, validators=[InputRequired()] + _DAYS)
    max_days = IntegerField(_l("Maximum days"), default=42, validators=[InputRequired()] + _DAYS)
    available_from = DateField(_l("First bookable day"), validators=[InputRequired(), within_years])
    available_until = DateField(_l("Last bookable day"), validators=[InputRequired(), within_years])
    lead_days = IntegerField(_l("Lead time in days"), default=0,
                             description=_l("The earliest start is today plus this many days."),
                             validators=[InputRequired(), NumberRange(min=0, max=365)])
    booking_mode = SelectField(_l("Booking mode"), choices=choices(MODE_LABELS.items()), validators=[InputRequired()])
    terms = TextAreaField(_l("Terms of use"), validators=[Optional(), Length(max=20000)])
    opening_hours = TextAreaField(
        _l("Opening hours"),
        description=LazyString(lambda: _("Shown to visitors. One line per day or range, e.g. “%(example)s”.",
                                          example=opening_hours_example())),
        validators=[Optional(), Length(max=2000)])
    blackouts = TextAreaField(
        _l("Blackout periods"),
        description=_l("Days that cannot be booked. One period per line, e.g. “2026-05-01 – 2026-05-03 Festival”."),
        validators=[Optional(), Length(max=5000)])
    status = SelectField(_l("Status"), choices=choices(LISTING_STATUS_LABELS.items()), default="draft",
                         validators=[InputRequired()])


def parse_team(text):
    """``"Jan Novák, Sokolov"`` lines -> ``[(name, home_region)]``."""
    team = []
    for line in (text or "").splitlines():
        name, _sep, region = line.partition(",")
        if name.strip():
            team.append((name.strip(), region.strip()))
    return team
