"""Account forms for the pages (the API has its schemas)."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, ValidationError


def _language_choices():
    return list(current_app.config["LANGUAGES"].items())


class MinPasswordLength:
    """The configured minimum length (PASSWORD_MIN_LENGTH), read at validation time."""

    def __call__(self, form, field):
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        if field.data and len(field.data) < minimum:
            raise ValidationError(_l("The password must have at least %(n)d characters.", n=minimum))


class RegisterForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Email(check_deliverability=False),
                                                         Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), MinPasswordLength()])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[InputRequired(), EqualTo("password", _l("The passwords differ."))])
    locale = SelectField(_l("Preferred language"), validators=[Optional()])
    accept_privacy_notice = BooleanField(
        _l("I have read the privacy notice and agree that my data is processed as it describes."),
        validators=[InputRequired(_l("Please accept the privacy notice to create an account."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = _language_choices()


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired()])
    remember = BooleanField(_l("Remember me on this device"))


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=[Optional(), Email(check_deliverability=False),
                                                         Length(max=254)])  # left empty: unchanged
    locale = SelectField(_l("Preferred language"))
    current_password = PasswordField(_l("Current password (to change your password or e-mail address)"),
                                     validators=[Optional()])
    new_password = PasswordField(_l("New password"), validators=[Optional(), MinPasswordLength()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = _language_choices()

    def validate_current_password(self, field):
        if self.new_password.data and not field.data:
            raise ValidationError(_l("Enter your current password to set a new one."))


class LanguageForm(FlaskForm):
    """The language switch in every page's header (one button per language)."""
    locale = SelectField(_l("Language"), validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = _language_choices()


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[InputRequired(), MinPasswordLength()])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[InputRequired(), EqualTo("password", _l("The passwords differ."))])


class DeleteAccountForm(FlaskForm):
    """Erasing one's account: the password again, and a tick that says what it means."""

    password = PasswordField(_l("Your password"), validators=[InputRequired()])
    understood = BooleanField(
        _l("I understand that my account and my data are erased for good and my future bookings are cancelled."),
        validators=[InputRequired(_l("Please confirm that you want your account erased."))])
