"""The demo's pilots have structured targets from the seeds, and their reach shows."""
import sqlalchemy as sa

from inducci_events.extensions import db
from inducci_events.organisations.models import Organisation, Programme
from inducci_events.reach import metrics, queries


def _targets(org_slug, slug):
    programme = db.session.scalar(sa.select(Programme).join(Organisation).where(
        Organisation.slug == org_slug, Programme.slug == slug))
    return programme, {t.label: (t.value, t.metric) for t in programme.targets}


def test_every_pilot_has_targets_that_count(runner, browser):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    for programme in db.session.scalars(sa.select(Programme)):
        assert programme.targets, programme.title
        assert all(metrics.is_known(t.metric) for t in programme.targets)

    showroom, targets = _targets("saxony", "cci-showcase")
    assert targets == {"CCI visitors": (100, "manual"), "visitors from the public": (100, "manual"),
                       "exhibitors": (15, "exhibitors")}
    assert _targets("padova", "cci-help-desks")[1] == {"users": (50, "people_served")}
    assert _targets("sokolov", "coworking-space")[1] == {"participants": (30, "people_enrolled")}
    rows = {row.label: row.actual for row in queries.programme_reach(showroom)}
    assert rows["CCI visitors"] > 0 and rows["visitors from the public"] > 0  # the demo's hand counts
    assert rows["exhibitors"] == metrics.exhibitors(showroom, None)

    assert "Reach: 0 day(s)" in runner.invoke(args=["demo", "seed"]).output  # counted once only
    browser.login("organiser.saxony@inducci.example.org", "inducci-organiser")
    page = browser.get(f"/reach/programmes/{showroom.id}").get_data(as_text=True)
    assert "CCI visitors" in page and "<svg" in page
    overview = browser.get("/reach/")
    assert overview.status_code == 200 and "KRACH+" in overview.get_data(as_text=True)
