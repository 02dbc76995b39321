"""``flask demo seed`` brings the Workers' welfare and boot camp questionnaires, with answers."""
import sqlalchemy as sa

from inducci_events.extensions import db
from inducci_events.feedback import queries
from inducci_events.feedback.models import Response
from inducci_events.workshops.models import Event
from tests.conftest import count


def test_demo_questionnaires_with_answers(runner, browser):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "9 demo answers added" in first.output
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0 and count(Response) == 9

    events = {e.title: e for e in db.session.scalars(sa.select(Event))}
    welfare = queries.summary(events["Workers' welfare: test performance at Company A"])
    assert welfare.form.anonymous and welfare.responses == 6 and welfare.attendees == 7
    roles = dict(welfare.questions[2].distribution)
    assert roles == {"a worker": 5, "a manager": 1}
    assert db.session.scalar(sa.select(sa.func.count()).where(Response.user_id.is_not(None))) == 3  # camp only
    camp = queries.summary(events["Growth-hacking boot camp – taster day"])
    assert camp.responses == 3 and camp.attendees == 4 and camp.questions[0].mean == 4.0
    assert queries.form_of(events["Growth-hacking boot camp – group 1"].id) is not None

    browser.login("organiser.padova@inducci.example.org", "inducci-organiser")
    event_id = events["Workers' welfare: test performance at Company A"].id
    page = browser.get(f"/manage/padova/events/{event_id}/feedback/summary")
    assert page.status_code == 200 and page.get_data(as_text=True).count("<svg") == 4
