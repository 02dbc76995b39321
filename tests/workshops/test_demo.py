"""``flask demo seed`` brings every events pilot, with local times in the right zones."""
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from inducci_events.core.db import utcnow
from inducci_events.extensions import db
from inducci_events.workshops.models import Enrolment, Event
from tests.conftest import count


def test_demo_seed_adds_every_pilot_once(runner, client):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "Events and workshop series: 10 added" in first.output
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    # + the two past events of the feedback demo (7 workers at Company A, 4 creatives at the taster day)
    assert count(Event) == 12 and count(Enrolment) == 2 + 7 + 4

    events = {e.title: e for e in db.session.scalars(sa.select(Event))}
    camp = events["Growth-hacking boot camp – group 1"]
    assert len({s.module_label for s in camp.sessions}) == 5 and camp.capacity == 12 and camp.min_participants == 8
    assert camp.questions[0].kind == "yesno" and camp.questions[0].required
    journey = [s for s in camp.sessions if "Business journey" in s.title]
    assert journey and all(s.venue.timezone == "Europe/Berlin" and s.venue.city == "Chemnitz" for s in journey)
    first_module = camp.sessions[0].starts_at.astimezone(ZoneInfo("Europe/Vienna"))
    assert (first_module.hour, first_module.minute) == (9, 0) and camp.sessions[0].starts_at > utcnow()
    for n in (1, 2):
        trajectory = events[f"CCI Factory mentorship – trajectory {n}"]
        assert len(trajectory.sessions) == 7 and trajectory.capacity == 5
        assert trajectory.sessions[-1].title == "Company visit" and trajectory.facilitator_names
    assert events["Co-working workshops Sokolov-East"].enrolment_mode == "session"
    for title in ("Living Lab: CCI meets industry", "Industrial Hackathon Linz", "Industrial Hackathon Bielsko-Biała",
                  "CCI Showcase: vernissage, concerts and finissage", "Workers' welfare performances",
                  "Limburg community evenings"):
        assert events[title].status == "published"

    page = client.get("/events").get_data(as_text=True)
    assert "Growth-hacking boot camp" in page and "Europe/Vienna" in page
