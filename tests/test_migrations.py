"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from inducci_events import create_app
from inducci_events.extensions import db


def test_migrations_upgrade_an_empty_database_to_the_models(empty_database_url, app):
    migrated = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with migrated.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            tables = set(sa.inspect(conn).get_table_names())
        db.engine.dispose()
    assert differences == []
    assert {"users", "organisations", "programmes", "venues", "alembic_version"} <= tables


def test_upgrading_a_database_with_data_keeps_every_row(empty_database_url, app):
    """SQLite alters a table by copying and dropping it: with foreign keys on, that DROP would
    cascade into every table that references it (0010 and 0011 rebuild ``organisations``)."""
    from datetime import datetime, timezone

    migrated = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    now = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
    rows = {
        "organisations": "INSERT INTO organisations (slug, name, short_name, region, country, timezone, "
                         "default_locale, description, website) VALUES ('linz', 'Creative Region Linz', "
                         "'Creative Region', 'Upper Austria', 'AT', 'Europe/Vienna', 'de', '', '')",
        "venues": "INSERT INTO venues (organisation_id, name, street, postcode, city, country, timezone, "
                  "description) VALUES (1, 'Tabakfabrik', '', '4020', 'Linz', 'AT', 'Europe/Vienna', '')",
        "programmes": "INSERT INTO programmes (organisation_id, slug, title, summary, description, created_at) "
                      "VALUES (1, 'boot-camp', 'Growth-hacking boot camp', '', '', :now)",
        "events": "INSERT INTO events (organisation_id, programme_id, title, description, status, enrolment_mode, "
                  "capacity, min_participants, waitlist, requires_approval, facilitators, created_at, sequence, "
                  "updated_at) VALUES (1, 1, 'Module 1', '', 'published', 'series', 12, 8, :yes, :no, '', :now, 0, "
                  ":now)",
        "event_sessions": "INSERT INTO event_sessions (event_id, venue_id, title, module_label, starts_at, ends_at, "
                          "notes, sequence, updated_at) VALUES (1, 1, 'Module 1', '', :now, :later, '', 0, :now)",
    }
    with migrated.app_context():
        upgrade(revision="0009_deferred_mail")
        with db.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                params = dict(now=now.replace(tzinfo=None), later=now.replace(tzinfo=None, hour=17), yes=1, no=0)
            else:
                params = dict(now=now, later=now.replace(hour=17), yes=True, no=False)
            for statement in rows.values():
                conn.execute(sa.text(statement), params)
        upgrade()
        with db.engine.connect() as conn:
            counts = {table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() for table in rows}
            foreign_keys = conn.exec_driver_sql("PRAGMA foreign_keys").scalar() if conn.dialect.name == "sqlite" else 1
        db.engine.dispose()
    assert counts == {table: 1 for table in rows}
    assert foreign_keys == 1  # switched back on for the app's connections
