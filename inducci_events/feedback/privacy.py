"""What the feedback feature holds about a person, for export, erasure and the retention
purge (registered with the accounts privacy registry by :func:`init_app`).

* Named forms: the person's responses and answers are theirs: exported in full; erasure
  blanks their free texts (ratings and choices stay in the organisers' statistics, no
  longer with words that could identify or quote them).
* Anonymous forms: the answers carry no user id, so nothing there can be found, exported
  or erased for a person; only the "has answered" markers are exported (which events).
"""
import sqlalchemy as sa

from ..workshops.models import Event
from .models import FeedbackAnswer, FeedbackForm, Respondent, Response


def export_for(user):
    """The person's feedback as plain data (JSON-ready)."""
    from ..extensions import db

    named = []
    for response, event in db.session.execute(
            sa.select(Response, Event).join(FeedbackForm, FeedbackForm.id == Response.form_id)
            .join(Event, Event.id == FeedbackForm.event_id).where(Response.user_id == user.id)
            .order_by(Response.id)).all():
        named.append({
            "event_id": event.id, "event": event.title,
            "submitted_at": response.submitted_at.isoformat() if response.submitted_at else None,
            "answers": [{"question": a.question.text, "kind": a.question.kind,
                         "answer": a.rating if a.rating is not None else a.choice if a.choice is not None else a.text}
                        for a in response.answers],
        })
    answered = db.session.execute(
        sa.select(Event.id, Event.title, FeedbackForm.anonymous).join(FeedbackForm, FeedbackForm.event_id == Event.id)
        .join(Respondent, Respondent.form_id == FeedbackForm.id).where(Respondent.user_id == user.id)
        .order_by(Event.id)).all()
    return {
        "answered": [{"event_id": i, "event": title, "anonymous": anonymous} for i, title, anonymous in answered],
        "responses": named,
    }


def erase_for(session, user):
    """Blank the free texts of the person's named answers (inside the caller's unit of work);
    returns how many texts were erased."""
    result = session.execute(
        sa.update(FeedbackAnswer)
        .where(FeedbackAnswer.text.is_not(None), FeedbackAnswer.text != "",
               FeedbackAnswer.response_id.in_(sa.select(Response.id).where(Response.user_id == user.id)))
        .values(text="").execution_options(synchronize_session=False))
    return result.rowcount


def purge(session, cutoff):
    """Blank the free texts of named answers given before ``cutoff`` (the retention purge);
    anonymous answers name nobody and stay for the organisers' evaluation."""
    result = session.execute(
        sa.update(FeedbackAnswer)
        .where(FeedbackAnswer.text.is_not(None), FeedbackAnswer.text != "",
               FeedbackAnswer.response_id.in_(sa.select(Response.id).where(Response.user_id.is_not(None),
                                                                          Response.submitted_at < cutoff)))
        .values(text="").execution_options(synchronize_session=False))
    return result.rowcount


def init_app(app):
    from ..accounts import privacy

    privacy.register(app, privacy.PersonalData(
        key="feedback", export=lambda user: {"feedback": export_for(user)},
        cancel_future=lambda user, now: None,  # nothing to cancel: answers are about the past
        erase=erase_for, purge=purge))
