"""The personal feed's reminder alarm (a profile setting shown on the subscriptions page)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice


def alarm_choices():
    """Minutes before an item, as offered (``""``: no alarm)."""
    return [SelectChoice(value, label) for value, label in (
        ("", _l("No alarm")), ("15", _l("15 minutes before")), ("30", _l("30 minutes before")),
        ("60", _l("1 hour before")), ("120", _l("2 hours before")), ("1440", _l("1 day before")))]


class AlarmForm(FlaskForm):
    minutes = SelectField(_l("Reminder alarm in my calendar"), choices=alarm_choices)

    def minutes_value(self):
        return int(self.minutes.data) if self.minutes.data else None
