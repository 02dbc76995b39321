"""0020_reach gives the existing text targets a metric guessed from their label."""
import sqlalchemy as sa
from flask_migrate import upgrade

from inducci_events import create_app
from inducci_events.extensions import db


def test_existing_targets_get_a_metric_from_their_label(empty_database_url, app):
    migrated = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    labels = ["visitors", "exhibitors", "participants", "users", "temporary uses", "company challenges",
              "exhibitions"]
    with migrated.app_context():
        upgrade(revision="0018_user_deactivation")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO organisations (slug, name, short_name, region, country, timezone, default_locale, "
                "description, website, is_partner, calendar_changed_at) VALUES ('saxony', 'Saxony', 'Saxony', "
                "'Saxony', 'DE', 'Europe/Berlin', 'de', '', '', :yes, :now)"),
                dict(yes=True, now="2026-11-01 09:00:00"))
            conn.execute(sa.text("INSERT INTO programmes (organisation_id, slug, title, summary, description, "
                                 "created_at) VALUES (1, 'showcase', 'CCI Showcase', '', '', :now)"),
                         dict(now="2026-11-01 09:00:00"))
            for i, label in enumerate(labels):
                conn.execute(sa.text("INSERT INTO reach_targets (programme_id, position, value, label) "
                                     "VALUES (1, :i, 10, :label)"), dict(i=i, label=label))
        upgrade()
        with db.engine.connect() as conn:
            metrics = dict(conn.execute(sa.text("SELECT label, metric FROM reach_targets")).all())
        db.engine.dispose()
    assert metrics == {"visitors": "manual", "exhibitors": "exhibitors", "participants": "people_enrolled",
                       "users": "people_served", "temporary uses": "space_bookings",
                       "company challenges": "challenges", "exhibitions": "manual"}
