"""``flask organisations``: a fresh installation creates its partners without the demo."""
from inducci_events.extensions import db
from inducci_events.organisations.models import Organisation
from tests.conftest import count


def _create(runner, *args):
    return runner.invoke(args=["organisations", "create", *args])


def test_fresh_installation_creates_a_partner_then_grants_an_organiser(runner):
    result = _create(runner, "linz", "--name", "Business Upper Austria", "--country", "at",
                     "--timezone", "Europe/Vienna", "--region", "Linz, Upper Austria", "--locale", "de",
                     "--partner")
    assert result.exit_code == 0, result.output
    org = db.session.query(Organisation).one()
    assert (org.slug, org.country, org.timezone, org.default_locale, org.is_partner, org.short_name) == (
        "linz", "AT", "Europe/Vienna", "de", True, "Business Upper Austria")

    assert runner.invoke(args=["users", "create", "it@example.org", "--name", "IT", "--password",
                               "long enough pw"]).exit_code == 0
    granted = runner.invoke(args=["users", "grant", "it@example.org", "linz", "organiser"])
    assert granted.exit_code == 0, granted.output

    listed = runner.invoke(args=["organisations", "list"])
    assert "linz" in listed.output and "partner" in listed.output and "Europe/Vienna" in listed.output
    users = runner.invoke(args=["users", "list", "--organisation", "linz"])
    assert "it@example.org" in users.output and "organiser@linz" in users.output


def test_bad_values_are_refused_with_every_reason_and_nothing_is_created(runner):
    result = _create(runner, "Linz Upper!", "--name", " ", "--country", "Austria", "--timezone", "Europe/Linz",
                     "--locale", "xx")
    assert result.exit_code != 0
    for field in ("slug", "name", "country", "timezone", "default_locale"):
        assert f"{field}:" in result.output
    assert count(Organisation) == 0


def test_a_taken_slug_is_refused(runner, make_org):
    make_org(slug="kranj")
    result = _create(runner, "kranj", "--name", "Other", "--country", "SI", "--timezone", "Europe/Ljubljana")
    assert result.exit_code != 0 and "already an organisation" in result.output
    assert count(Organisation) == 1


def test_edit_changes_only_the_given_fields(runner, make_org):
    org = make_org(slug="padova", is_partner=False)
    name = org.name
    result = runner.invoke(args=["organisations", "edit", "padova", "--partner", "--locale", "de"])
    assert result.exit_code == 0, result.output
    db.session.refresh(org)
    assert org.is_partner and org.default_locale == "de" and org.name == name

    unknown = runner.invoke(args=["organisations", "edit", "nowhere", "--name", "X"])
    assert unknown.exit_code != 0 and "no organisation" in unknown.output.lower()
    nothing = runner.invoke(args=["organisations", "edit", "padova"])
    assert nothing.exit_code != 0


def test_users_list_searches_name_and_email(runner, make_user):
    make_user(email="anna.kovac@example.org", name="Anna Kovač")
    make_user(email="piotr@example.org", name="Piotr Nowak")
    result = runner.invoke(args=["users", "list", "--search", "KOVA"])
    assert "anna.kovac@example.org" in result.output and "piotr" not in result.output
