"""Forms of the site administration."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional


class OrganisationForm(FlaskForm):
    """The fields a site admin sets; their rules live in ``organisations.services``."""

    slug = StringField(_l("Short address"), description=_l("Lower-case letters, digits and hyphens, e.g. linz."),
                       validators=[InputRequired(), Length(max=60)])
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=80)])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=120)])
    country = StringField(_l("Country code"), description=_l("Two letters, e.g. DE, AT, CZ."),
                          validators=[InputRequired(), Length(max=2)])
    timezone = StringField(_l("Time zone"), description=_l("IANA name, e.g. Europe/Berlin."),
                           validators=[InputRequired(), Length(max=64)])
    default_locale = SelectField(_l("Default language"))
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    is_partner = BooleanField(_l("InduCCI partner (listed on the home page)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_locale.choices = [SelectChoice(code, name)
                                       for code, name in current_app.config["LANGUAGES"].items()]


#: The roles a person can have at an organisation, as people read them.
ROLE_LABELS = {"organiser": lazy_pgettext("role", "Organiser"), "adviser": lazy_pgettext("role", "Adviser")}


class MemberForm(FlaskForm):
    email = EmailField(_l("E-mail address of an existing account"), validators=[InputRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[SelectChoice(v, label) for v, label in ROLE_LABELS.items()])
