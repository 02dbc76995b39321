"""The rules of feedback, below HTTP: who may answer, when, how often, what is stored."""
import random
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from inducci_events.core.db import utcnow
from inducci_events.core.errors import Forbidden, ValidationFailed
from inducci_events.extensions import db
from inducci_events.feedback import privacy, queries, services
from inducci_events.feedback.models import FeedbackAnswer, Respondent, Response
from inducci_events.workshops.models import Event
from tests.conftest import count, run_at_once
from tests.feedback.conftest import QUESTIONS


def _answers(form, rating=4, choice="a worker", text="More music, please"):
    by_kind = {q.kind: q for q in form.questions}
    return {str(by_kind["rating"].id): rating, str(by_kind["choice"].id): choice, str(by_kind["text"].id): text}


def test_an_attendee_answers_once(held_event, with_form):
    held = held_event(attendees=2)
    form = with_form(held)
    services.submit(held.attendees[0], held.event_id, _answers(form))
    with pytest.raises(services.AlreadyAnswered) as error:
        services.submit(held.attendees[0], held.event_id, _answers(form, rating=1))
    assert error.value.code == "already_answered" and error.value.status == 409
    services.submit(held.attendees[1], held.event_id, _answers(form))
    assert count(Response) == 2 and count(Respondent) == 2


def test_no_answer_before_the_last_session_has_ended(held_event, with_form):
    held = held_event(attendees=1)
    form = with_form(held)
    with pytest.raises(services.NotOverYet):
        services.submit(held.attendees[0], held.event_id, _answers(form), now=held.ends_at - timedelta(minutes=1))
    services.submit(held.attendees[0], held.event_id, _answers(form), now=held.ends_at)
    assert count(Response) == 1


def test_people_who_did_not_attend_cannot_answer(held_event, with_form, make_user):
    held = held_event(attendees=1, absent=1)
    form = with_form(held)
    for person in (held.absent[0], make_user()):
        with pytest.raises(services.NotAttendee) as error:
            services.submit(person, held.event_id, _answers(form))
        assert error.value.status == 403
    assert count(Response) == 0 and count(Respondent) == 0


def test_without_any_check_in_the_confirmed_participants_count_as_attendees(held_event, with_form, make_user):
    held = held_event(attendees=2, check_in=False)
    form = with_form(held)
    services.submit(held.attendees[0], held.event_id, _answers(form))
    with pytest.raises(services.NotAttendee):
        services.submit(make_user(), held.event_id, _answers(form))


def test_anonymous_answers_carry_no_user_id_named_ones_do(held_event, with_form):
    held = held_event(attendees=1, title="Anonymous")
    services.submit(held.attendees[0], held.event_id, _answers(with_form(held, anonymous=True)))
    response = db.session.scalars(sa.select(Response)).one()
    assert response.user_id is None and response.submitted_at is None
    assert db.session.scalars(sa.select(Respondent.user_id)).all() == [held.attendees[0].id]

    named = held_event(attendees=0, users=held.attendees, title="Named")
    services.submit(held.attendees[0], named.event_id, _answers(with_form(named, anonymous=False)))
    assert db.session.scalars(sa.select(Response.user_id).where(Response.user_id.is_not(None))).all() == [
        held.attendees[0].id]


def test_bad_answers_are_refused_and_nothing_is_stored(held_event, with_form):
    held = held_event(attendees=1)
    form = with_form(held)
    rating_id = str(next(q.id for q in form.questions if q.kind == "rating"))
    for answers in ({rating_id: 6}, {rating_id: True}, _answers(form, choice="a dragon"), {"999999": "x"}, {},
                    {rating_id: None}):
        with pytest.raises(ValidationFailed):
            services.submit(held.attendees[0], held.event_id, answers)
    assert count(Response) == 0 and count(Respondent) == 0 and count(FeedbackAnswer) == 0


def test_the_questionnaire_is_locked_once_answers_arrive(held_event, with_form):
    held = held_event(attendees=1)
    form = with_form(held)
    services.save_form(held.organiser, held.event_id, questions=[dict(kind="rating", text="Changed?")])
    form = with_form(held)  # changed back: still editable
    services.submit(held.attendees[0], held.event_id, _answers(form))
    with pytest.raises(services.FormLocked) as error:
        services.save_form(held.organiser, held.event_id, questions=[dict(kind="text", text="New")])
    assert error.value.status == 409
    assert [q.text for q in queries.form_of(held.event_id).questions] == [q["text"] for q in QUESTIONS]


def test_an_organiser_of_another_organisation_cannot_attach_a_questionnaire(held_event, make_organiser):
    held = held_event(attendees=0)
    stranger, _org = make_organiser()
    with pytest.raises(Forbidden):
        services.save_form(stranger, held.event_id, questions=[dict(kind="text", text="Mine now?")])
    assert queries.form_of(held.event_id) is None


def test_questionnaire_checks(held_event):
    held = held_event(attendees=0)
    for questions in ([], [dict(kind="choice", text="Only one", choices=["x"])], [dict(kind="poll", text="?")],
                      [dict(kind="text", text="  ")]):
        with pytest.raises(ValidationFailed):
            services.save_form(held.organiser, held.event_id, questions=questions)
    assert queries.form_of(held.event_id) is None


def test_the_summary_equals_a_recomputation_from_the_answers(held_event, with_form):
    rng = random.Random(17)
    held = held_event(attendees=14, absent=2)
    form = with_form(held, anonymous=False)
    rating_q, choice_q, text_q = form.questions
    given = []
    for person in held.attendees:
        if rng.random() < 0.15:
            continue  # did not answer
        answers = {}
        if rng.random() < 0.9:
            answers[str(rating_q.id)] = rng.randint(1, 5)
        if rng.random() < 0.8:
            answers[str(choice_q.id)] = rng.choice(choice_q.choice_list)
        if rng.random() < 0.5 or not answers:
            answers[str(text_q.id)] = rng.choice(["Great", "Too loud", "Again!", "=cmd|' /C calc'!A0"])
        services.submit(person, held.event_id, answers)
        given.append(answers)

    # Recomputed from the rows, not from what the test sent.
    rows = db.session.execute(sa.select(FeedbackAnswer.question_id, FeedbackAnswer.rating, FeedbackAnswer.choice,
                                        FeedbackAnswer.text)).all()
    ratings = [r for q, r, _c, _t in rows if q == rating_q.id]
    result = queries.summary(db.session.get(Event, held.event_id))
    summary = {item.question.id: item for item in result.questions}
    assert result.responses == len(given) and result.attendees == 14
    assert summary[rating_q.id].count == len(ratings) == sum(str(rating_q.id) in a for a in given)
    assert summary[rating_q.id].mean == round(sum(ratings) / len(ratings), 2)
    assert dict(summary[rating_q.id].distribution) == {str(v): ratings.count(v) for v in range(1, 6)}
    choices = Counter(c for q, _r, c, _t in rows if q == choice_q.id)
    assert dict(summary[choice_q.id].distribution) == {c: choices.get(c, 0) for c in choice_q.choice_list}
    assert sorted(summary[text_q.id].texts) == sorted(a[str(text_q.id)] for a in given if str(text_q.id) in a)

    csv_text = queries.responses_csv(db.session.get(Event, held.event_id),
                                     {"name": "Name", "submitted_at": "Answered at"})
    assert csv_text.startswith("\ufeff\"Name\";\"Answered at\";")
    assert len(csv_text.strip().split("\r\n")) == len(given) + 1
    assert "\"'=cmd" in csv_text or "=cmd" not in csv_text  # formulas are defused


def test_invitation_and_reminder_are_queued_once_each(held_event, with_form, make_user):
    from inducci_events.mail.models import OutboxMessage
    from inducci_events.feedback.rules import invitation_due_at

    german = make_user(locale="de")
    held = held_event(attendees=0, users=[german, make_user(), make_user()], ended_days_ago=0)
    form = with_form(held)
    day_after = invitation_due_at(held.ends_at, "Europe/Rome")

    assert services.queue_invitations(now=day_after - timedelta(minutes=1)) == (0, 0)
    assert services.queue_invitations(now=day_after + timedelta(hours=9)) == (3, 0)
    assert services.queue_invitations(now=day_after + timedelta(hours=10)) == (0, 0)
    services.submit(held.attendees[1], held.event_id, _answers(form))
    assert services.queue_invitations(now=day_after + timedelta(days=3, hours=9)) == (0, 2)
    assert services.queue_invitations(now=day_after + timedelta(days=4, hours=9)) == (0, 0)
    assert services.queue_invitations(now=day_after + timedelta(days=30)) == (0, 0)

    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind.like("feedback_%"))
                              .order_by(OutboxMessage.id)).all()
    kinds = Counter((m.user_id, m.kind) for m in rows)
    assert set(kinds.values()) == {1} and len(rows) == 5
    assert {m.user_id for m in rows if m.kind == "feedback_reminder"} == {german.id, held.attendees[2].id}
    to_german = next(m for m in rows if m.user_id == german.id)
    assert to_german.locale == "de" and f"http://events.test/events/{held.event_id}/feedback" in to_german.body_text


def test_the_invite_command_runs_twice_without_writing_twice(held_event, with_form, runner):
    from inducci_events.mail.models import OutboxMessage

    held = held_event(attendees=2, absent=1, ended_days_ago=1)
    with_form(held)
    first = runner.invoke(args=["feedback", "invite"])
    second = runner.invoke(args=["feedback", "invite"])
    assert first.exit_code == 0 and "queued 2 invitation(s) and 0 reminder(s)" in first.output
    assert "queued 0 invitation(s) and 0 reminder(s)" in second.output
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.kind == "feedback_invitation")) == 2


def test_privacy_export_and_erasure(held_event, with_form):
    from inducci_events.core.db import unit_of_work

    held = held_event(attendees=1, title="Named")
    person = held.attendees[0]
    services.submit(person, held.event_id, _answers(with_form(held, anonymous=False), text="Call me, Ada"))
    anonymous = held_event(attendees=0, users=[person], title="Anonymous")
    services.submit(person, anonymous.event_id, _answers(with_form(anonymous), text="Secret words"))

    exported = privacy.export_for(person)
    assert [a["event"] for a in exported["answered"]] == ["Named", "Anonymous"]
    assert [r["event"] for r in exported["responses"]] == ["Named"]
    assert "Call me, Ada" in [a["answer"] for a in exported["responses"][0]["answers"]]
    assert "Secret words" not in str(exported)

    with unit_of_work() as session:
        assert privacy.erase_for(session, person) == 1
    texts = db.session.scalars(sa.select(FeedbackAnswer.text).where(FeedbackAnswer.text.is_not(None))).all()
    assert sorted(texts) == ["", "Secret words"]


@pytest.mark.postgres_only
def test_two_answers_at_once_from_one_person_store_one(app, held_event, with_form):
    held = held_event(attendees=1)
    form = with_form(held)
    person = held.attendees[0]
    outcomes = run_at_once(app, [lambda: services.submit(person, held.event_id, _answers(form))] * 4)
    assert sorted(o[0] for o in outcomes) == ["ok", "refused", "refused", "refused"]
    assert {o[1] for o in outcomes if o[0] == "refused"} == {"already_answered"}
    assert count(Response) == 1
