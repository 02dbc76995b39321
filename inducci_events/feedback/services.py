"""Every rule that changes a questionnaire or its answers. One unit of work each.

* An organiser of the event's organisation attaches or replaces the questionnaire until
  the first answer arrives; from then on it is locked (changing questions under given
  answers would mix answers to different questions).
* A person answers once, only after the event's last session has ended, and only if they
  attended (:func:`attendee_ids`). The form's row is locked while answering, and the
  ``feedback_respondents`` primary key refuses a second answer even if two arrive at once.
* Anonymous forms store the answers without the person: only the "has answered" marker
  names them.
"""
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..core.auth import require_organiser
from ..core.capacity import lock_parent
from ..core.db import unit_of_work, utcnow
from ..core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..workshops.models import Attendance, Enrolment, Event, Session
from ..workshops.services import EventNotFound
from . import rules
from .models import QUESTION_KINDS, RATING_MAX, RATING_MIN, FeedbackAnswer, FeedbackForm, FeedbackQuestion, \
    Respondent, Response

MAX_QUESTIONS, MAX_CHOICES, MAX_TEXT = 50, 20, 2000


class FormNotFound(NotFound):
    code = "feedback_form_not_found"
    default_message = _l("This event has no feedback questionnaire.")


class FormLocked(Conflict):
    code = "feedback_form_locked"
    default_message = _l("People have started answering this questionnaire, so it can no longer be changed.")


class AlreadyAnswered(Conflict):
    code = "already_answered"
    default_message = _l("You have already answered this questionnaire. Thank you!")


class NotOverYet(Conflict):
    code = "event_not_over"
    default_message = _l("Feedback opens when the event's last session has ended.")


class NotAttendee(Forbidden):
    code = "not_attendee"
    default_message = _l("Only people who attended this event can give feedback on it.")


# --- who may answer, and when ---------------------------------------------------------------


def last_end(session, event_id):
    """When the event's last session ends (``None``: it has no sessions)."""
    return session.scalar(sa.select(sa.func.max(Session.ends_at)).where(Session.event_id == event_id))


def attendee_ids(session, event_id):
    """The ids of the people who attended the event.

    Those checked in at any of its sessions. If the organisers never took attendance for
    this event (no check-in at all), the confirmed participants count as its attendees:
    many pilots do not check people in, and they still want to ask them.
    """
    checked_in = session.scalars(
        sa.select(Enrolment.user_id).join(Attendance, Attendance.enrolment_id == Enrolment.id)
        .where(Enrolment.event_id == event_id).distinct()).all()
    if checked_in:
        return set(checked_in)
    return set(session.scalars(sa.select(Enrolment.user_id).where(
        Enrolment.event_id == event_id, Enrolment.status == "confirmed")).all())


def has_answered(session, form_id, user_id):
    return session.scalar(sa.select(Respondent.user_id).where(
        Respondent.form_id == form_id, Respondent.user_id == user_id)) is not None


def response_count(session, form_id):
    return session.scalar(sa.select(sa.func.count()).select_from(Response).where(Response.form_id == form_id))


# --- organisers ---------------------------------------------------------------------------


def _clean_questions(questions):
    """``questions``: dicts with ``text, kind`` and optional ``choices`` (list or lines), ``required``."""
    if not questions:
        raise ValidationFailed(fields={"questions": [_("Add at least one question.")]})
    if len(questions) > MAX_QUESTIONS:
        raise ValidationFailed(fields={"questions": [
            ngettext("At most %(num)d question.", "At most %(num)d questions.", MAX_QUESTIONS)]})
    cleaned = []
    for i, data in enumerate(questions):
        text = (data.get("text") or "").strip()
        kind = data.get("kind") or "text"
        raw = data.get("choices") or []
        choices = raw.splitlines() if isinstance(raw, str) else list(raw)
        choices = list(dict.fromkeys(c.strip() for c in choices if c and c.strip()))
        if not text or len(text) > 500:
            raise ValidationFailed(fields={f"questions.{i}.text": [_("Write the question (at most 500 characters).")]})
        if kind not in QUESTION_KINDS:
            raise ValidationFailed(fields={f"questions.{i}.kind": [_("Choose rating, choice or text.")]})
        if kind == "choice" and not 2 <= len(choices) <= MAX_CHOICES:
            raise ValidationFailed(fields={f"questions.{i}.choices": [
                ngettext("A choice question needs between 2 and %(num)d choice.",
                         "A choice question needs between 2 and %(num)d choices.", MAX_CHOICES)]})
        if any(len(c) > 200 for c in choices):
            raise ValidationFailed(fields={f"questions.{i}.choices": [_("At most 200 characters per choice.")]})
        cleaned.append(FeedbackQuestion(position=i, kind=kind, text=text, required=bool(data.get("required")),
                                        choices="\n".join(choices) if kind == "choice" else ""))
    return cleaned


def save_form(actor, event_id, *, questions, anonymous=True, now=None):
    """Attach the questionnaire to an event of the actor's organisation, or replace it.

    :raises EventNotFound: no such event.
    :raises Forbidden: the actor does not organise the event's organisation.
    :raises ValidationFailed: no question, an unknown kind, a choice question without choices.
    :raises FormLocked: somebody has already answered it.
    """
    new_questions = _clean_questions(questions)
    with unit_of_work() as session:
        event = session.get(Event, event_id)
        if event is None:
            raise EventNotFound()
        require_organiser(actor, event.organisation_id)
        lock_parent(Event, event_id, not_found=EventNotFound())
        form = session.scalar(sa.select(FeedbackForm).where(FeedbackForm.event_id == event_id))
        if form is None:
            form = FeedbackForm(event_id=event_id)
            session.add(form)
        else:
            form = lock_parent(FeedbackForm, form.id)  # answering locks the form: wait for them
            if response_count(session, form.id):
                raise FormLocked()
            form.questions.clear()
            session.flush()
        form.anonymous = bool(anonymous)
        form.updated_at = now or utcnow()
        form.questions.extend(new_questions)
    return form


# --- participants -------------------------------------------------------------------------


def _clean_answers(questions, raw):
    """``raw``: ``{question id (str or int): value}`` -> FeedbackAnswer rows (not added yet)."""
    by_id = {str(q.id): q for q in questions}
    raw = {str(k): v for k, v in (raw or {}).items()}
    errors = {}
    unknown = set(raw) - set(by_id)
    if unknown:
        errors["answers"] = [_("Answer the questions of this questionnaire only.")]
    rows = []
    for key, question in by_id.items():
        value = raw.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if question.required:
                errors[question.field_name] = [_("This question needs an answer.")]
            continue
        if question.kind == "rating":
            rating = value if isinstance(value, int) and not isinstance(value, bool) else (
                int(value) if isinstance(value, str) and value.isdigit() and len(value) < 3 else None)
            if rating is None or not RATING_MIN <= rating <= RATING_MAX:
                errors[question.field_name] = [_("Choose a rating from 1 (poor) to 5 (excellent).")]
                continue
            rows.append(FeedbackAnswer(question_id=question.id, rating=rating))
        elif question.kind == "choice":
            if not isinstance(value, str) or value not in question.choice_list:
                errors[question.field_name] = [_("Choose one of the choices.")]
                continue
            rows.append(FeedbackAnswer(question_id=question.id, choice=value))
        else:
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                errors[question.field_name] = [ngettext(
                    "Text of at most %(num)d character.", "Text of at most %(num)d characters.", MAX_TEXT)]
                continue
            rows.append(FeedbackAnswer(question_id=question.id, text=value))
    if not errors and not rows:
        errors["answers"] = [_("Answer at least one question.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return rows


def submit(user, event_id, answers, *, now=None):
    """Answer the event's questionnaire, once.

    :raises FormNotFound: the event (or its questionnaire) does not exist, or it is cancelled.
    :raises NotOverYet: the event's last session has not ended.
    :raises NotAttendee: ``user`` did not attend (see :func:`attendee_ids`).
    :raises AlreadyAnswered: ``user`` has answered already.
    :raises ValidationFailed: an answer that does not fit its question.
    """
    now = now or utcnow()
    try:
        with unit_of_work() as session:
            form_id = session.scalar(sa.select(FeedbackForm.id).join(Event, Event.id == FeedbackForm.event_id)
                                     .where(FeedbackForm.event_id == event_id, Event.status != "cancelled"))
            if form_id is None:
                raise FormNotFound()
            form = lock_parent(FeedbackForm, form_id, not_found=FormNotFound())
            if not rules.is_over(last_end(session, event_id), now):
                raise NotOverYet()
            if user.id not in attendee_ids(session, event_id):
                raise NotAttendee()
            if has_answered(session, form.id, user.id):
                raise AlreadyAnswered()
            rows = _clean_answers(form.questions, answers)
            session.add(Respondent(form_id=form.id, user_id=user.id))
            response = Response(form_id=form.id, user_id=None if form.anonymous else user.id,
                                submitted_at=None if form.anonymous else now)
            response.answers.extend(rows)
            session.add(response)
    except IntegrityError:
        raise AlreadyAnswered() from None  # the same person, a moment earlier
    return response


# --- invitations (the daily timer) ------------------------------------------------------------


def queue_invitations(*, now=None):
    """Queue the invitations and reminders due at ``now``; returns ``(invitations, reminders)``.

    Each person gets one invitation and one reminder per questionnaire at most: each message
    has a ``dedupe_key`` in the outbox, so running this twice (or twice at once) changes
    nothing. Reminders go only to people who have not answered. See :mod:`.rules` for when.
    """
    from . import notifications

    now = now or utcnow()
    counts = {"invitation": 0, "reminder": 0}
    try:
        with unit_of_work() as session:
            since = now - rules.MAIL_WINDOW - rules.REMINDER_AFTER  # nothing older can be due
            ends = (sa.select(Session.event_id, sa.func.max(Session.ends_at).label("last_end"))
                    .group_by(Session.event_id).subquery())
            rows = session.execute(
                sa.select(FeedbackForm.id, Event, ends.c.last_end)
                .join(Event, Event.id == FeedbackForm.event_id).join(ends, ends.c.event_id == Event.id)
                .where(Event.status == "published", ends.c.last_end <= now, ends.c.last_end >= since)
                .order_by(Event.id)).all()
            for form_id, event, ended in rows:
                due = rules.mail_due(ended, event.timezone, now)
                if due is None:
                    continue
                answered = set(session.scalars(sa.select(Respondent.user_id).where(Respondent.form_id == form_id)))
                people = attendee_ids(session, event.id) - answered
                invited = notifications.sent("invitation", form_id, people) if due == "reminder" else set()
                # Somebody not invited yet (checked in late, or the timer was off) is invited
                # first; their reminder follows on a later run.
                counts["invitation"] += notifications.queue("invitation", event, form_id, people - invited)
                counts["reminder"] += notifications.queue("reminder", event, form_id, invited)
    except IntegrityError:
        return 0, 0  # another run queued the same messages a moment earlier
    return counts["invitation"], counts["reminder"]
