"""Organisers' forms: a target, and a day's hand count."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from ..core.timeutil import within_years
from . import metrics
from .services import MAX_VALUE


class TargetForm(FlaskForm):
    label = StringField(_l("Name"), description=_l("What people read, e.g. “CCI visitors”."),
                        validators=[InputRequired(), Length(max=120)])
    value = IntegerField(_l("Target"), validators=[InputRequired(), NumberRange(min=1, max=MAX_VALUE)])
    metric = SelectField(_l("What counts"), validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.metric.choices = [(name, str(label)) for name, label in metrics.choices()]


class TallyForm(FlaskForm):
    day = DateField(_l("Day"), validators=[InputRequired(), within_years])
    count = IntegerField(_l("Count"), description=_l("Entering a day again replaces its count; 0 removes it."),
                         validators=[InputRequired(), NumberRange(min=0, max=MAX_VALUE)])
