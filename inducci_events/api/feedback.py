"""``/events/<id>/feedback-form``, ``/events/<id>/feedback`` and its summary."""
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from ..core.auth import api_user
from ..feedback import queries, services
from ..feedback.models import QUESTION_KINDS
from . import bp
from .schema import Body, Bool, Bounded, Id, OneOf, Out, Text, check_text


class NewFeedbackQuestion(Body):
    text = Text(500, required=True)
    kind = OneOf(QUESTION_KINDS, required=True)
    choices = Bounded(Text(200), services.MAX_CHOICES, load_default=list, metadata={"description": "choice only"})
    required = Bool(load_default=False)


class FeedbackFormIn(Body):
    anonymous = Bool(load_default=True, metadata={"description": "store answers without the respondent"})
    questions = Bounded(fields.Nested(NewFeedbackQuestion), services.MAX_QUESTIONS, required=True)


class FeedbackValue(fields.Field):
    """A rating (an integer 1 to 5), a choice or a text (at most 2000 characters)."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"type": ["integer", "string"], "maxLength": 2000}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool) and -10**6 < value < 10**6:
            return value
        if not isinstance(value, str) or len(value) > 2000:
            raise ValidationError(str(_l("A rating from 1 to 5, or a text of at most 2000 characters.")))
        return check_text(value).strip()


class FeedbackAnswers(Body):
    answers = fields.Dict(keys=Text(20), values=FeedbackValue(), required=True,
                          validate=validate.Length(max=services.MAX_QUESTIONS),
                          metadata={"description": "question id -> answer"})


class FeedbackQuestionOut(Out):
    id = Id(required=True)
    text = fields.String(required=True)
    kind = OneOf(QUESTION_KINDS, required=True)
    choices = fields.List(fields.String(), required=True, attribute="choice_list")
    required = fields.Boolean(required=True)


class FeedbackFormOut(Out):
    event_id = Id(required=True)
    anonymous = fields.Boolean(required=True)
    locked = fields.Boolean(required=True, metadata={"description": "answers exist: no more changes"})
    questions = fields.List(fields.Nested(FeedbackQuestionOut), required=True)


class FeedbackReceipt(Out):
    event_id = Id(required=True)
    answered = fields.Boolean(required=True)


class Bar(Out):
    label = fields.String(required=True)
    count = fields.Integer(required=True)


class QuestionSummaryOut(Out):
    id = Id(required=True, attribute="question.id")
    text = fields.String(required=True, attribute="question.text")
    kind = OneOf(QUESTION_KINDS, required=True, attribute="question.kind")
    count = fields.Integer(required=True)
    mean = fields.Float(required=True, allow_none=True, metadata={"description": "rating questions"})
    distribution = fields.Method("_bars", required=True, metadata={
        "type": "array", "items": {"type": "object", "properties": {"label": {"type": "string"},
                                                                     "count": {"type": "integer"}}},
        "description": "ratings 1..5 and choices"})
    texts = fields.List(fields.String(), required=True)

    def _bars(self, item):
        return [{"label": label, "count": count} for label, count in item.distribution]


class FeedbackSummaryOut(Out):
    event_id = Id(required=True, attribute="form.event_id")
    anonymous = fields.Boolean(required=True, attribute="form.anonymous")
    responses = fields.Integer(required=True)
    attendees = fields.Integer(required=True)
    questions = fields.List(fields.Nested(QuestionSummaryOut), required=True)


def _form_out(event_id):
    form = queries.form_of(event_id)
    return {"event_id": event_id, "anonymous": form.anonymous, "locked": queries.is_locked(form),
            "questions": form.questions}


@bp.operation("/events/<int:event_id>/feedback-form", "PUT", tag="events", auth=True, errors=(403, 404, 409, 422))
@bp.arguments(FeedbackFormIn)
@bp.response(200, FeedbackFormOut)
def put_feedback_form(data, event_id):
    """Attach or replace the event's feedback questionnaire (organisers; 409 once answers exist)."""
    services.save_form(api_user(), event_id, questions=data["questions"], anonymous=data["anonymous"])
    return _form_out(event_id)


@bp.operation("/events/<int:event_id>/feedback-form", "GET", tag="events", auth=True, errors=(404,))
@bp.response(200, FeedbackFormOut)
def get_feedback_form(event_id):
    """The event's feedback questionnaire (404 when it has none)."""
    view = queries.answer_state(event_id, api_user())
    return _form_out(view.event.id)


@bp.operation("/events/<int:event_id>/feedback", "POST", tag="events", auth=True, errors=(403, 404, 409, 422))
@bp.arguments(FeedbackAnswers)
@bp.response(201, FeedbackReceipt)
def post_feedback(data, event_id):
    """Answer the questionnaire once, after the event, as someone who attended (409 ``already_answered``)."""
    services.submit(api_user(), event_id, data["answers"])
    return {"event_id": event_id, "answered": True}


@bp.operation("/events/<int:event_id>/feedback/summary", "GET", tag="events", auth=True, errors=(403, 404))
@bp.response(200, FeedbackSummaryOut)
def feedback_summary(event_id):
    """Per question: answers, mean rating, distribution, texts (organisers)."""
    return queries.summary(queries.organised_event(event_id, api_user()))
