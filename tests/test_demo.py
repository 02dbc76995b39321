from inducci_events.accounts.models import Membership, User
from inducci_events.organisations.models import Organisation, Programme, Venue
from tests.conftest import count


def test_seed_is_idempotent_and_prints_log_ins(runner, browser):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "organiser.chemnitz@inducci.example.org" in first.output
    totals = [count(m) for m in (Organisation, Programme, Venue, User, Membership)]
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert [count(m) for m in (Organisation, Programme, Venue, User, Membership)] == totals
    partners = Organisation.query.filter_by(is_partner=True).all()
    assert len(partners) == 8 and totals[1] >= 10
    organised = {m.organisation_id for m in Membership.query.filter_by(role="organiser")}
    assert {p.id for p in partners} <= organised  # an organiser for every partner

    browser.login("organiser.chemnitz@inducci.example.org", "inducci-organiser")
    home = browser.get("/").get_data(as_text=True)
    # The Chemnitz organiser prefers German: the menu offers their organisation in German.
    assert 'href="/manage/chemnitz/">CWE Chemnitz verwalten' in home


def test_partners_have_their_time_zones(runner):
    runner.invoke(args=["demo", "seed"])
    zones = {o.slug: o.timezone for o in Organisation.query}
    assert zones["linz"] == "Europe/Vienna" and zones["padova"] == "Europe/Rome"
    assert zones["sokolov"] == "Europe/Prague" and zones["limburg"] == "Europe/Brussels"
