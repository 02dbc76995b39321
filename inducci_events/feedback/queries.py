"""Read-only look-ups for the feedback pages, the API and the CSV export."""
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..core.db import utcnow
from ..core.spreadsheet import csv_text, safe_cell
from ..extensions import db
from ..workshops.models import Event
from ..workshops.queries import check_visible, organised_event  # noqa: F401 (the feature's pages use it)
from . import rules
from .models import RATING_MAX, RATING_MIN, FeedbackAnswer, FeedbackForm, FeedbackQuestion, Response
from .services import FormNotFound, attendee_ids, has_answered, last_end, response_count


def form_of(event_id):
    """The event's questionnaire with its questions, or ``None``."""
    return db.session.scalar(sa.select(FeedbackForm).where(FeedbackForm.event_id == event_id)
                             .options(selectinload(FeedbackForm.questions)))


@dataclass
class AnswerState:
    """What the answer page shows a person: may they answer, and if not, why not."""

    event: Event
    form: FeedbackForm | None
    state: str  # "open", "no_form", "not_over", "not_attendee", "answered"

    @property
    def can_answer(self):
        return self.state == "open"


def answer_state(event_id, user, now=None):
    """The questionnaire as ``user`` meets it (the service checks the same again)."""
    event = db.session.get(Event, event_id)
    form = form_of(event_id) if event is not None and event.status != "cancelled" else None
    if form is None:
        raise FormNotFound()
    check_visible(event, user)  # a draft's questionnaire only for its organisers
    session = db.session
    if not rules.is_over(last_end(session, event_id), now or utcnow()):
        state = "not_over"
    elif has_answered(session, form.id, user.id):
        state = "answered"
    elif user.id not in attendee_ids(session, event_id):
        state = "not_attendee"
    else:
        state = "open"
    return AnswerState(event, form, state)


def is_locked(form):
    return form is not None and response_count(db.session, form.id) > 0


# --- the summary --------------------------------------------------------------------------


@dataclass
class QuestionSummary:
    question: FeedbackQuestion
    count: int = 0
    mean: float | None = None
    #: ``[(label, count)]`` for ratings (1..5) and choices (in the question's order).
    distribution: list = field(default_factory=list)
    texts: list = field(default_factory=list)


@dataclass
class Summary:
    form: FeedbackForm
    responses: int
    attendees: int
    questions: list


def summary(event):
    """Per question: how many answered, the mean rating, the distribution, the texts."""
    form = form_of(event.id)
    if form is None:
        raise FormNotFound()
    rows = db.session.execute(
        sa.select(FeedbackAnswer.question_id, FeedbackAnswer.rating, FeedbackAnswer.choice, FeedbackAnswer.text)
        .join(Response, Response.id == FeedbackAnswer.response_id).where(Response.form_id == form.id)
        .order_by(FeedbackAnswer.id)).all()
    by_question = {}
    for question_id, rating, choice, text in rows:
        by_question.setdefault(question_id, []).append((rating, choice, text))
    items = []
    for question in form.questions:
        answers = by_question.get(question.id, [])
        item = QuestionSummary(question, count=len(answers))
        if question.kind == "rating":
            ratings = [r for r, _c, _t in answers if r is not None]
            tally = Counter(ratings)
            item.distribution = [(str(v), tally.get(v, 0)) for v in range(RATING_MIN, RATING_MAX + 1)]
            item.mean = round(sum(ratings) / len(ratings), 2) if ratings else None
        elif question.kind == "choice":
            tally = Counter(c for _r, c, _t in answers if c is not None)
            labels = question.choice_list + sorted(set(tally) - set(question.choice_list))
            item.distribution = [(label, tally.get(label, 0)) for label in labels]
        else:
            texts = [t for _r, _c, t in answers if t]
            # Anonymous: in no particular order (the order of arrival could point to a person).
            item.texts = sorted(texts, key=str.casefold) if form.anonymous else texts
        items.append(item)
    return Summary(form, response_count(db.session, form.id), len(attendee_ids(db.session, event.id)), items)


def responses_csv(event, labels):
    """One row per response, one column per question: UTF-8 with BOM, semicolons, CRLF (Excel).

    Named forms start with the respondent's name and the time; anonymous forms have neither,
    and their rows are in no particular order.
    """
    form = form_of(event.id)
    if form is None:
        raise FormNotFound()
    from ..accounts.models import User

    responses = db.session.scalars(
        sa.select(Response).where(Response.form_id == form.id).options(selectinload(Response.answers))
        .order_by(Response.id)).all()
    ids = sorted({r.user_id for r in responses if r.user_id})
    names = dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())
    head = [] if form.anonymous else [labels["name"], labels["submitted_at"]]
    lines = []
    for response in responses:
        values = {a.question_id: (a.rating if a.rating is not None else a.choice if a.choice is not None else a.text)
                  for a in response.answers}
        start = [] if form.anonymous else [
            names.get(response.user_id, ""),
            response.submitted_at.strftime("%Y-%m-%d %H:%M UTC") if response.submitted_at else ""]
        lines.append([safe_cell(v) for v in start + [values.get(q.id) for q in form.questions]])
    if form.anonymous:
        lines.sort(key=lambda line: [str(cell) for cell in line])  # arrival order would tell who answered when
    return csv_text(head + [q.text for q in form.questions], lines)


def my_responses(user):
    """The named (non-anonymous) responses of ``user``, with their event titles."""
    return db.session.execute(
        sa.select(Response, Event).join(FeedbackForm, FeedbackForm.id == Response.form_id)
        .join(Event, Event.id == FeedbackForm.event_id).where(Response.user_id == user.id)
        .options(selectinload(Response.answers).joinedload(FeedbackAnswer.question)).order_by(Response.id)).all()
