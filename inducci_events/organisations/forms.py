"""Programme and venue forms for organisers' pages (the API has its schemas)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from ..core.timeutil import is_valid_timezone


class ProgrammeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    summary = StringField(_l("One-line summary"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])


class VenueForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    street = StringField(_l("Street and number"), validators=[Optional(), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=20)])
    city = StringField(_l("Town or city"), validators=[InputRequired(), Length(max=120)])
    country = StringField(_l("Country code"), description=_l("Two letters, e.g. DE, AT, CZ."),
                          validators=[InputRequired(), Regexp(r"^[A-Za-z]{2}$", message=_l("Two letters, e.g. DE."))])
    timezone = StringField(_l("Time zone"), description=_l("IANA name, e.g. Europe/Berlin."),
                           validators=[InputRequired(), Length(max=64)])
    description = TextAreaField(_l("Directions and notes"), validators=[Optional(), Length(max=5000)])

    def validate_timezone(self, field):
        if not is_valid_timezone(field.data):
            raise ValidationError(_l("Not an IANA time zone such as Europe/Berlin."))
