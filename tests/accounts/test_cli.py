from inducci_events.accounts.models import Membership, User
from inducci_events.extensions import db
from tests.conftest import count


def test_operator_sets_up_an_organiser_without_the_demo(runner, make_org):
    org = make_org(slug="padova")
    result = runner.invoke(args=["users", "create", "Adviser@Example.org", "--name", "Ada", "--password",
                                 "long enough pw"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["users", "grant", "adviser@example.org", "padova", "organiser"]).exit_code == 0
    user = db.session.query(User).one()
    assert user.email == "adviser@example.org" and user.is_organiser_of(org.id)

    result = runner.invoke(args=["users", "revoke", "adviser@example.org", "padova", "organiser"])
    assert result.exit_code == 0 and "no longer" in result.output
    assert count(Membership) == 0


def test_admin_flag_and_clear_errors(runner):
    result = runner.invoke(args=["users", "create", "root@example.org", "--name", "Root", "--password",
                                 "long enough pw", "--admin"])
    assert result.exit_code == 0 and "admin" in result.output
    assert db.session.query(User).one().is_admin
    again = runner.invoke(args=["users", "create", "ROOT@example.org", "--name", "R", "--password", "long enough pw"])
    assert again.exit_code != 0 and "already exists" in again.output
    missing = runner.invoke(args=["users", "grant", "root@example.org", "nowhere", "organiser"])
    assert missing.exit_code != 0 and "no organisation nowhere" in missing.output.lower()
