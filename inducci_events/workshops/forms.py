"""Forms for events, sessions, questions and enrolment (HTML pages; the API has its schemas)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DateTimeLocalField, HiddenField, IntegerField, RadioField,
                     SelectField, StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..core.timeutil import within_years

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


def choices(*pairs):
    """``choices(("a", "A"), ...)`` as WTForms 3.3+ wants them (no bare tuples)."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def status_choices():
    return choices(("draft", _l("Draft")), ("published", _l("Published")), ("cancelled", _l("Cancelled")))


def mode_choices():
    return choices(("series", _l("Series: one enrolment covers every session")),
                   ("session", _l("Per session: people enrol in single sessions")))


def kind_choices():
    return choices(("text", _l("Free text")), ("choice", _l("Single choice")), ("yesno", _l("Yes or no")))


class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    programme_id = SelectField(_l("Programme"), coerce=_optional_int, validators=[Optional()])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    status = SelectField(_l("Status"), choices=status_choices())
    enrolment_mode = SelectField(_l("Enrolment"), choices=mode_choices())
    capacity = IntegerField(_l("Seats"), description=_l("Per event in series mode, per session otherwise."),
                            validators=[InputRequired(), NumberRange(min=1, max=100000)])
    min_participants = IntegerField(_l("Minimum participants"), default=0,
                                    validators=[Optional(), NumberRange(min=0, max=100000)])
    waitlist = BooleanField(_l("Waitlist when full"), default=True)
    requires_approval = BooleanField(_l("Enrolments need my approval"))
    registration_opens_at = DateTimeLocalField(_l("Registration opens"), format=LOCAL_FORMAT,
                                               validators=[Optional(), within_years])
    registration_closes_at = DateTimeLocalField(
        _l("Registration closes"), format=LOCAL_FORMAT, validators=[Optional(), within_years],
        description=_l("Empty: when the first session starts."))
    cancel_until = DateTimeLocalField(_l("Participants may cancel until"), format=LOCAL_FORMAT,
                                      validators=[Optional(), within_years], description=_l("Empty: any time."))
    facilitators = TextAreaField(_l("Facilitators and mentors"), validators=[Optional(), Length(max=2000)],
                                 description=_l("One per line; they take no seat."))
    notify_organisers_of_cancellations = BooleanField(_l("E-mail the organisers when a participant cancels"),
                                                      default=True)


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    module_label = StringField(_l("Module"), validators=[Optional(), Length(max=120)],
                               description=_l("A two-day module is two sessions with the same module."))
    venue_id = SelectField(_l("Venue"), coerce=_optional_int, validators=[InputRequired()])
    starts_at = DateTimeLocalField(_l("Starts"), format=LOCAL_FORMAT, validators=[InputRequired(), within_years],
                                   description=_l("Local time at the venue."))
    ends_at = DateTimeLocalField(_l("Ends"), format=LOCAL_FORMAT, validators=[InputRequired(), within_years])
    notes = TextAreaField(_l("Notes, e.g. homework"), validators=[Optional(), Length(max=5000)])


class QuestionForm(FlaskForm):
    label = StringField(_l("Question"), validators=[InputRequired(), Length(max=300)])
    kind = SelectField(_l("Kind of answer"), choices=kind_choices())
    required = BooleanField(_l("An answer is required"))
    choices = TextAreaField(_l("Choices"), validators=[Optional(), Length(max=2000)],
                            description=_l("Single choice only: one answer per line."))


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    region = SelectField(_l("Region"), validators=[Optional()])
    programme = SelectField(_l("Programme"), coerce=_optional_int, validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional(), within_years])
    date_to = DateField(_l("Until"), validators=[Optional(), within_years])


def enrol_form_class(questions):
    """A form with one field per registration question (named ``q_<id>``)."""

    class EnrolForm(FlaskForm):
        session_id = HiddenField()

    for question in questions:
        # The service checks the answers again (and is what the API relies on).
        presence = InputRequired(message=_l("This question needs an answer.")) if question.required else Optional()
        if question.kind == "choice":
            field = RadioField(question.label, choices=choices(*((c, c) for c in question.choice_list)),
                               validators=[presence], validate_choice=False)
        elif question.kind == "yesno":
            field = RadioField(question.label, choices=choices(("yes", _l("Yes")), ("no", _l("No"))),
                               validators=[presence], validate_choice=False)
        else:
            field = TextAreaField(question.label, validators=[presence, Length(max=2000)])
        setattr(EnrolForm, question.field_name, field)
    return EnrolForm
