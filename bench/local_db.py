"""The benchmarks' own PostgreSQL databases: dropped and created afresh, on this machine only."""
import sys

import sqlalchemy as sa


def recreate(url):
    """Drop and create the database of ``url`` (PostgreSQL on 127.0.0.1 or localhost only)."""
    target = sa.engine.make_url(url)
    if target.host not in ("127.0.0.1", "localhost"):
        sys.exit(f"benchmarks only drop and create local databases, not one on {target.host}")
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    admin.dispose()
