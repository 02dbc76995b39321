"""Demo questionnaires, with answers (idempotent, found by event title).

* Workers' welfare (Padova): "after the testing a questionnaire will be shared among the
  workers and the managers to evaluate the results" (pilot-actions summary). A test
  performance held three weeks ago at Company A, with workers and managers checked in,
  an anonymous questionnaire and the answers of most of them.
* Growth-hacking boot camp (Linz): a taster day held ten days ago, where nobody was checked
  in (so its confirmed participants count as attendees), a named questionnaire and a few
  answers; the boot camp's group 1 gets the same questionnaire for after its last module.

The answers go through the same services as everybody's, at the times they would have
been given (``now=``): enrolment before the event, answers after it.
"""
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from ..accounts.models import User
from ..core.timeutil import local_to_utc
from ..extensions import db
from ..feedback import services as feedback
from ..feedback.queries import form_of
from ..organisations.models import Organisation, Programme, Venue
from ..workshops import services as workshops
from ..workshops.models import Event
from .foundation import CREATIVES, DEMO_PASSWORD_CREATIVE, _ensure_user, organiser_email

WELFARE_TITLE = "Workers' welfare: test performance at Company A"
TASTER_TITLE = "Growth-hacking boot camp – taster day"

#: Padova's workers and managers at Company A: (email, name, role).
WORKERS = [
    ("marco.bianchi@company-a.example.org", "Marco Bianchi", "a worker"),
    ("lucia.ferrari@company-a.example.org", "Lucia Ferrari", "a worker"),
    ("paolo.conti@company-a.example.org", "Paolo Conti", "a worker"),
    ("sara.greco@company-a.example.org", "Sara Greco", "a worker"),
    ("davide.ricci@company-a.example.org", "Davide Ricci", "a worker"),
    ("elena.marino@company-a.example.org", "Elena Marino", "a manager"),
    ("roberto.galli@company-a.example.org", "Roberto Galli", "a manager"),
]

WELFARE_QUESTIONS = [
    dict(kind="rating", text="How much did the performance improve your working day?", required=True),
    dict(kind="rating", text="How well did the performance fit into the working routine?"),
    dict(kind="choice", text="You are", choices=["a worker", "a manager"]),
    dict(kind="choice", text="Should the company continue the performances?",
         choices=["Yes, regularly", "Now and then", "No"]),
    dict(kind="text", text="What should change if the performances continue?"),
]

#: (rating, fit, continue, text) per worker who answered (the last one did not).
WELFARE_ANSWERS = [
    (5, 4, "Yes, regularly", "The music during the lunch break was a real pause from the machines."),
    (4, 3, "Yes, regularly", "Shorter, and also for the late shift."),
    (4, 4, "Now and then", ""),
    (3, 2, "Now and then", "It was hard to leave the line for it."),
    (5, 5, "Yes, regularly", "Invite the families next time."),
    (4, 3, "Yes, regularly", "Plan it with the shift leaders so production is not disturbed."),
]

CAMP_QUESTIONS = [
    dict(kind="rating", text="How useful was the day for your business?", required=True),
    dict(kind="rating", text="How good was the coaching?"),
    dict(kind="choice", text="Would you recommend the boot camp?", choices=["Yes", "Maybe", "No"]),
    dict(kind="text", text="What was missing?"),
]

CAMP_ANSWERS = [(5, 4, "Yes", "More time for our own experiments."), (4, 5, "Yes", ""),
                (3, 4, "Maybe", "A session on pricing.")]


def _org(slug):
    return db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))


def _organiser(slug):
    return db.session.scalar(sa.select(User).where(User.email == organiser_email(slug)))


def _past_event(slug, programme_slug, venue_name, title, days_ago, hh, hours, description):
    """Create a published one-session event held ``days_ago`` (local times); ``None`` if it exists."""
    org = _org(slug)
    if db.session.scalar(sa.select(Event.id).where(Event.organisation_id == org.id, Event.title == title)):
        return None
    venue = db.session.scalar(sa.select(Venue).where(Venue.organisation_id == org.id, Venue.name == venue_name))
    programme = db.session.scalar(sa.select(Programme).where(Programme.organisation_id == org.id,
                                                             Programme.slug == programme_slug))
    day = datetime.now().date() - timedelta(days=days_ago)
    start = local_to_utc(datetime.combine(day, time(hh)), venue.timezone)
    return workshops.create_event(
        _organiser(slug), org.id, title=title, description=description, capacity=40, status="published",
        programme_id=programme.id if programme else None,
        sessions=[dict(title=title, venue_id=venue.id, starts_at=start, ends_at=start + timedelta(hours=hours))])


def _answer(person, event_id, questions, values, at):
    answers = {str(q.id): v for q, v in zip(questions, values) if v not in ("", None)}
    feedback.submit(person, event_id, answers, now=at)


def _welfare():
    event = _past_event("padova", "workers-welfare", "Company A: mechanical workshop, Padova industrial zone",
                        WELFARE_TITLE, 21, 12, 1,
                        "A first performance during the lunch break, for the workers and managers of Company A; "
                        "a questionnaire evaluates it.")
    if event is None:
        return 0
    organiser = _organiser("padova")
    event = db.session.get(Event, event.id)
    session = event.sessions[0]
    people = [_ensure_user(email, name, DEMO_PASSWORD_CREATIVE, "it") for email, name, _role in WORKERS]
    for person in people:
        enrolment = workshops.enrol(person, event.id, now=session.starts_at - timedelta(days=5))
        workshops.set_attendance(organiser, session.id, enrolment.id, True)
    feedback.save_form(organiser, event.id, questions=WELFARE_QUESTIONS, anonymous=True)
    questions = form_of(event.id).questions
    for i, (person, values) in enumerate(zip(people, WELFARE_ANSWERS)):
        rating, fit, carry_on, text = values
        _answer(person, event.id, questions, (rating, fit, WORKERS[i][2], carry_on, text),
                session.ends_at + timedelta(days=1, hours=i))
    return len(WELFARE_ANSWERS)


def _bootcamp():
    organiser = _organiser("linz")
    group = db.session.scalar(sa.select(Event).where(Event.title == "Growth-hacking boot camp – group 1"))
    if group is not None and form_of(group.id) is None:
        feedback.save_form(organiser, group.id, questions=CAMP_QUESTIONS, anonymous=False)
    event = _past_event("linz", "growth-hacking-boot-camp", "Tabakfabrik Linz", TASTER_TITLE, 10, 9, 8,
                        "One day to try the boot camp's method before enrolling in a group.")
    if event is None:
        return 0
    event = db.session.get(Event, event.id)
    session = event.sessions[0]
    people = [db.session.scalar(sa.select(User).where(User.email == email)) for email, _n, _l in CREATIVES]
    for person in people:
        workshops.enrol(person, event.id, now=session.starts_at - timedelta(days=3))
    feedback.save_form(organiser, event.id, questions=CAMP_QUESTIONS, anonymous=False)
    questions = form_of(event.id).questions
    for i, (person, values) in enumerate(zip(people, CAMP_ANSWERS)):
        _answer(person, event.id, questions, values, session.ends_at + timedelta(days=1, hours=i))
    return len(CAMP_ANSWERS)


def seed():
    """Add the demo questionnaires that are missing; returns how many answers were added."""
    return _welfare() + _bootcamp()
