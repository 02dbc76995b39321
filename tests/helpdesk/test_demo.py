"""The demo seed brings the Veneto help-desk network and the Kranj desk, idempotently."""
from inducci_events.helpdesk.models import Appointment, HelpDesk, OfficeHourRule
from tests.conftest import count


def test_demo_help_desks_are_seeded_once(runner, client):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "Advisers (agenda at /helpdesks/agenda): organiser.padova@inducci.example.org" in first.output and "Help desks: 4 added" in first.output
    totals = [count(m) for m in (HelpDesk, OfficeHourRule, Appointment)]
    assert totals[0] == 4 and totals[1] >= 4 and totals[2] > 0
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0 and "Help desks: 0 added" in again.output
    assert [count(m) for m in (HelpDesk, OfficeHourRule, Appointment)] == totals
    network = client.get("/helpdesks/?region=Veneto").get_data(as_text=True)
    assert "Veneto CCI help-desks" in network and network.count('data-testid="desk-card"') == 3
    assert "Kovačnica Kranj" in client.get("/helpdesks/").get_data(as_text=True)
