"""Forms for the questionnaire (organisers) and for answering it (attendees)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..workshops.forms import choices
from .models import RATING_MAX, RATING_MIN

KIND_WORDS = {"rating": "rating", "choice": "choice", "text": "text"}


class QuestionnaireForm(FlaskForm):
    questions = TextAreaField(
        _l("Questions"), validators=[InputRequired(), Length(max=30000)],
        description=_l("One question per line, starting with its kind: “rating:” (1 to 5), “text:” (free "
                       "text) or “choice:” followed by the choices after “|”. Example: choice: You are | a "
                       "worker | a manager. A “*” at the end makes the question required."))
    anonymous = BooleanField(_l("Anonymous: store the answers without the names of the people who gave them"),
                             default=True)


def parse_lines(text):
    """The textarea's lines as question dicts for ``services.save_form`` (which checks them)."""
    questions = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        kind, sep, rest = line.partition(":")
        kind = kind.strip().lower()
        if not sep or kind not in KIND_WORDS:
            kind, rest = "?", line
        required = rest.rstrip().endswith("*")
        rest = rest.rstrip().rstrip("*")
        text, *options = [part.strip() for part in rest.split("|")] if kind == "choice" else [rest.strip()]
        questions.append(dict(kind=kind, text=text, choices=options, required=required))
    return questions


def as_lines(form):
    """The stored questionnaire in the textarea's notation."""
    lines = []
    for q in form.questions:
        line = f"{q.kind}: {q.text}" + "".join(f" | {c}" for c in q.choice_list)
        lines.append(line + (" *" if q.required else ""))
    return "\n".join(lines)


def answer_form_class(questions):
    """A form with one field per question (named ``q_<id>``); the service checks again."""

    class AnswerForm(FlaskForm):
        pass

    for question in questions:
        presence = InputRequired(message=_l("This question needs an answer.")) if question.required else Optional()
        if question.kind == "rating":
            field = RadioField(question.text, choices=choices(*((v, v) for v in range(RATING_MIN, RATING_MAX + 1))),
                               validators=[presence], validate_choice=False)
        elif question.kind == "choice":
            field = RadioField(question.text, choices=choices(*((c, c) for c in question.choice_list)),
                               validators=[presence], validate_choice=False)
        else:
            field = TextAreaField(question.text, validators=[presence, Length(max=2000)])
        setattr(AnswerForm, question.field_name, field)
    return AnswerForm
