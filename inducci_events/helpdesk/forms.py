"""Help-desk forms for the pages (the API has its schemas)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, Field, IntegerField, SelectField, SelectMultipleField, StringField,
                     TextAreaField, TimeField)
from wtforms.fields import DateTimeLocalField, HiddenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, Email, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from ..core.timeutil import parse_iso_datetime, within_years


def choices(pairs):
    """``[(value, label), ...]`` as the SelectChoice objects WTForms 3.3 wants."""
    return [SelectChoice(value, label) for value, label in pairs]


WEEKDAY_NAMES = [(0, _l("Monday")), (1, _l("Tuesday")), (2, _l("Wednesday")), (3, _l("Thursday")),
                 (4, _l("Friday")), (5, _l("Saturday")), (6, _l("Sunday"))]
MODE_NAMES = [("onsite", _l("On site")), ("online", _l("Online"))]
WEEKDAYS = choices(WEEKDAY_NAMES)
MODES = choices(MODE_NAMES)


class ListField(Field):
    """A list of short texts: comma-separated in a form, a JSON array in the API."""

    widget = TextInput()

    def _value(self):
        return ", ".join(self.data or [])

    def process_formdata(self, valuelist):
        self.data = [part.strip() for value in valuelist for part in str(value).split(",") if part.strip()]

    def pre_validate(self, form):
        if any(len(item) > 80 for item in self.data or []):
            raise ValidationError(_l("Each entry may have at most 80 characters."))


class IsoDateTimeField(StringField):
    """An ISO 8601 instant with offset (``2027-03-02T14:00:00+01:00``); ``data_utc`` is aware UTC."""

    data_utc = None

    def pre_validate(self, form):
        self.data_utc = None
        if not self.data:
            return
        try:
            self.data_utc = parse_iso_datetime(self.data)
        except ValueError:
            raise ValidationError(_l("A date and time with offset, e.g. 2027-03-02T14:00:00+01:00.")) from None


class DeskForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    venue_id = SelectField(_l("Venue"), coerce=int, validators=[Optional()])
    online = BooleanField(_l("Online desk (video meetings)"))
    meeting_link = StringField(_l("Meeting link"), description=_l("Shown only to people with an appointment."),
                               validators=[Optional(), URL(require_tld=False), Length(max=500)])
    topics = ListField(_l("Topics"), description=_l("Comma-separated, e.g. business plan, crowdfunding, legal."))
    languages = ListField(_l("Languages spoken"), description=_l("Comma-separated, e.g. Italian, English."))
    network = StringField(_l("Network"), description=_l("Desks of one network are listed together."),
                          validators=[Optional(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    lead_time_hours = IntegerField(_l("Book at least this many hours ahead"), default=12,
                                   validators=[InputRequired(), NumberRange(0, 720)])
    horizon_days = IntegerField(_l("Book at most this many days ahead"), default=56,
                                validators=[InputRequired(), NumberRange(1, 365)])
    cancel_until_hours = IntegerField(_l("Cancellation until this many hours before"), default=24,
                                      validators=[InputRequired(), NumberRange(0, 720)])
    max_upcoming_per_person = IntegerField(_l("Upcoming appointments per person at most"), default=3,
                                           validators=[InputRequired(), NumberRange(1, 50)])


class AdviserForm(FlaskForm):
    email = StringField(_l("E-mail address of the adviser"),
                        description=_l("The person needs an account and the adviser role at your organisation."),
                        validators=[InputRequired(), Email(check_deliverability=False), Length(max=254)])
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=2000)])
    topics = ListField(_l("Topics"), description=_l("Comma-separated."))


class _HoursFields(FlaskForm):
    adviser_id = SelectField(_l("Adviser"), coerce=int, validators=[InputRequired()])
    start_time = TimeField(_l("From"), validators=[InputRequired()])
    end_time = TimeField(_l("Until"), validators=[InputRequired()])
    slot_minutes = IntegerField(_l("Slot length (minutes)"), default=60,
                                validators=[InputRequired(), NumberRange(5, 480)])
    buffer_minutes = IntegerField(_l("Buffer between slots (minutes)"), default=0,
                                  validators=[Optional(), NumberRange(0, 240)])
    seats = IntegerField(_l("Seats per slot"), default=1, description=_l("1 for a consultation, more for a group."),
                         validators=[Optional(), NumberRange(1, 100)])
    mode = SelectField(_l("Where"), choices=MODES, default="onsite")


class RuleForm(_HoursFields):
    weekdays = SelectMultipleField(_l("Weekdays"), choices=WEEKDAYS, coerce=int, validators=[InputRequired()])
    valid_from = DateField(_l("Valid from"), validators=[InputRequired(), within_years])
    valid_until = DateField(_l("Valid until"), validators=[Optional(), within_years])


class ExtraHoursForm(_HoursFields):
    on_date = DateField(_l("Date"), validators=[InputRequired(), within_years])


class AbsenceForm(FlaskForm):
    adviser_id = SelectField(_l("Adviser"), coerce=int, validators=[InputRequired()])
    starts_on = DateField(_l("First day"), validators=[InputRequired(), within_years])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(), within_years])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])


class BookingForm(FlaskForm):
    adviser_id = IntegerField(validators=[InputRequired()])
    starts_at = IsoDateTimeField(validators=[InputRequired()])
    topic = StringField(_l("Topic"), validators=[InputRequired(), Length(max=120)])
    message = TextAreaField(_l("What do you need?"), validators=[Optional(), Length(max=5000)])


class HiddenBookingForm(BookingForm):
    adviser_id = HiddenField(validators=[InputRequired()])
    starts_at = HiddenField(validators=[InputRequired()])
    topic = SelectField(_l("Topic"), validators=[InputRequired()])


class MentoringForm(FlaskForm):
    address = StringField(_l("Address of your premises"), validators=[InputRequired(), Length(max=300)])
    topic = StringField(_l("Topic"), validators=[InputRequired(), Length(max=120)])
    preferred_periods = TextAreaField(_l("When would suit you?"),
                                      description=_l("e.g. Thursday mornings in March"),
                                      validators=[Optional(), Length(max=2000)])
    message = TextAreaField(_l("What do you need?"), validators=[Optional(), Length(max=5000)])


class ProposeForm(FlaskForm):
    starts_at = DateTimeLocalField(_l("Start (local time of the desk)"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(), within_years])
    minutes = IntegerField(_l("Length (minutes)"), default=90, validators=[InputRequired(), NumberRange(15, 480)])


class NotesForm(FlaskForm):
    notes = TextAreaField(_l("Private notes"), validators=[Optional(), Length(max=5000)])

