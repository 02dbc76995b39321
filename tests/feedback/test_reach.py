"""Feedback answers count towards a programme's reach target "feedback_answers"."""
from datetime import timedelta

from inducci_events.core.db import unit_of_work
from inducci_events.feedback import services
from inducci_events.organisations import services as org_services
from inducci_events.reach.metrics import Period, feedback_answers
from inducci_events.workshops.models import Event
from tests.feedback.test_services import _answers


def test_named_and_anonymous_answers_count_in_the_month_the_event_ended(held_event, with_form):
    anonymous, named = held_event(attendees=2), held_event(attendees=2, title="Second visit")
    outside = held_event(attendees=1, title="Not in the programme")
    programme = org_services.save_programme(anonymous.organiser, anonymous.org.id, title="Workers' welfare",
                                            summary="", description="")
    with unit_of_work() as session:
        for held in (anonymous, named):
            session.get(Event, held.event_id).programme_id = programme.id
    for held, is_anonymous in ((anonymous, True), (named, False), (outside, False)):
        form = with_form(held, anonymous=is_anonymous)
        for person in held.attendees:
            services.submit(person, held.event_id, _answers(form))

    assert feedback_answers(programme, None) == 4
    day = anonymous.ends_at.date()
    assert feedback_answers(programme, Period(day - timedelta(days=3), day + timedelta(days=3))) == 4
    assert feedback_answers(programme, Period(day + timedelta(days=3), day + timedelta(days=30))) == 0
