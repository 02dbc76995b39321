"""A questionnaire per event, its questions, and the answers.

Who answered is kept apart from what was answered: :class:`Respondent` is the "has
answered" marker (one per person and form, the database's backstop for "answer once"),
and :class:`Response` holds the answers. On an anonymous form the response carries no
user id and no time, so nothing links a person to their answers; on a named form it
carries both.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import UTCDateTime, sql_in, utcnow
from ..core.questions import QuestionFields
from ..extensions import db

QUESTION_KINDS = ("rating", "choice", "text")
#: A rating question's scale.
RATING_MIN, RATING_MAX = 1, 5


class FeedbackForm(db.Model):
    """The questionnaire of one event (at most one per event)."""

    __tablename__ = "feedback_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    #: Answers are stored without the respondent's id (only the "has answered" marker names them).
    anonymous: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questions: Mapped[list["FeedbackQuestion"]] = relationship(
        back_populates="form", order_by="(FeedbackQuestion.position, FeedbackQuestion.id)",
        cascade="all, delete-orphan")


class FeedbackQuestion(QuestionFields, db.Model):
    __tablename__ = "feedback_questions"
    __table_args__ = (sa.CheckConstraint(sql_in("kind", QUESTION_KINDS), name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(sa.ForeignKey("feedback_forms.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(sa.String(10))
    text: Mapped[str] = mapped_column(sa.String(500))
    required: Mapped[bool] = mapped_column(default=False)
    #: The choices of a choice question, one per line.
    choices: Mapped[str] = mapped_column(sa.Text, default="")

    form: Mapped[FeedbackForm] = relationship(back_populates="questions")


class Respondent(db.Model):
    """"This person has answered this form": the only link between a person and an anonymous
    form. No id of its own and no time, so it cannot be lined up with the responses."""

    __tablename__ = "feedback_respondents"

    form_id: Mapped[int] = mapped_column(sa.ForeignKey("feedback_forms.id", ondelete="CASCADE"),
                                         primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


class Response(db.Model):
    """One filled-in questionnaire. ``user_id`` and ``submitted_at`` stay empty on anonymous forms."""

    __tablename__ = "feedback_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(sa.ForeignKey("feedback_forms.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    answers: Mapped[list["FeedbackAnswer"]] = relationship(back_populates="response", cascade="all, delete-orphan",
                                                           order_by="FeedbackAnswer.id")


class FeedbackAnswer(db.Model):
    """The answer to one question: a rating, a choice or a text (exactly the one its kind asks for)."""

    __tablename__ = "feedback_answers"
    __table_args__ = (
        sa.CheckConstraint(f"rating IS NULL OR rating BETWEEN {RATING_MIN} AND {RATING_MAX}", name="rating_in_scale"),
        sa.UniqueConstraint("response_id", "question_id", name="uq_feedback_answers_response_question"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("feedback_responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("feedback_questions.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int | None]
    choice: Mapped[str | None] = mapped_column(sa.String(200))
    text: Mapped[str | None] = mapped_column(sa.Text)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[FeedbackQuestion] = relationship()
