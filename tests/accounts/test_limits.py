"""The credentials budget holds across instances (Redis), is shared by log-in, API token and
sign-up, is keyed on the real client address (trusted proxies only) and says when to retry."""
import logging
import os
import time
import uuid

import pytest
import sqlalchemy as sa

from inducci_events import create_app
from inducci_events.accounts import limits
from inducci_events.extensions import db
from tests.conftest import PASSWORD, Browser, IsolatedClient

REDIS = "redis://127.0.0.1:6379/0"
WRONG = "not the password at all"


@pytest.fixture
def make_app(app, database_url, tmp_path):
    """More app instances on the test's database, like more servers (or workers)."""
    made = []

    def make(**overrides):
        new = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, MAIL_FOLDER=str(tmp_path / "mail"),
                         BASE_URL="http://events.test", **overrides)
        new.test_client_class = IsolatedClient
        made.append(new)
        return new

    yield make
    for new in made:
        with new.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def redis_prefix():
    """A key prefix of the test's own in the local Redis, deleted afterwards."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("INDUCCI_REQUIRE_REDIS"):  # CI starts Redis: there it must run
            raise
        pytest.skip("needs Redis on 127.0.0.1:6379")
    prefix = f"inducci-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


def _page_login(client, email, password=WRONG, **kwargs):
    return Browser(client).submit("/login", {"email": email, "password": password}, **kwargs)


def _api_login(client, email, password=WRONG, **kwargs):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password}, **kwargs)


def _retry_after(response):
    assert response.status_code == 429, response.get_data(as_text=True)
    seconds = int(response.headers["Retry-After"])
    assert 1 <= seconds <= 60
    return seconds


def test_two_instances_on_redis_share_one_budget_per_account(make_app, make_user, redis_prefix):
    user = make_user()
    one = make_app(RATELIMIT_STORAGE_URI=REDIS, RATELIMIT_KEY_PREFIX=redis_prefix).test_client()
    two = make_app(RATELIMIT_STORAGE_URI=REDIS, RATELIMIT_KEY_PREFIX=redis_prefix).test_client()
    statuses = []
    for i in range(10):  # pages on one instance, the API on the other; every request "from" elsewhere
        forwarded = {"X-Forwarded-For": f"198.51.100.{i}"}
        if i % 2:
            statuses.append(_api_login(two, user.email.upper(), headers=forwarded).status_code)
        else:
            statuses.append(_page_login(one, user.email, headers=forwarded).status_code)
    assert statuses == [422, 401] * 5
    eleventh = _page_login(one, user.email, headers={"X-Forwarded-For": "203.0.113.7"})
    _retry_after(eleventh)
    assert "Too many attempts" in eleventh.get_data(as_text=True)
    twelfth = _api_login(two, user.email, password=PASSWORD, headers={"X-Forwarded-For": "203.0.113.8"})
    _retry_after(twelfth)
    assert twelfth.get_json() == {"error": {"code": "rate_limited", "message": twelfth.get_json()["error"]["message"]}}


def test_in_memory_each_instance_counts_alone(make_app, make_user):
    """Why production warns about memory:// with several workers: the same ten failures on
    two instances leave each of them with budget to spare."""
    user = make_user()
    one, two = make_app().test_client(), make_app().test_client()
    for _ in range(5):
        _page_login(one, user.email)
        _api_login(two, user.email)
    assert _page_login(one, user.email).status_code == 422


def test_sign_up_shares_the_budget_of_the_address(make_app, make_user):
    client = make_app(AUTH_ADDRESS_LIMIT="5 per minute").test_client()
    user = make_user()
    assert [_page_login(client, user.email).status_code for _ in range(3)] == [422] * 3
    signed_up = client.post("/api/v1/users", json={"email": "new@example.org", "password": PASSWORD, "name": "N"})
    assert signed_up.status_code == 201
    taken = Browser(client).submit("/register", {"name": "X", "email": user.email, "password": PASSWORD,
                                                 "confirm": PASSWORD, "locale": "en",
                                                 "accept_privacy_notice": "y"})
    assert taken.status_code == 422  # a real try: it counts too (the 5th)
    refused = client.post("/api/v1/users", json={"email": "later@example.org", "password": PASSWORD, "name": "L"})
    _retry_after(refused)
    assert refused.get_json()["error"]["code"] == "rate_limited"
    _retry_after(_page_login(client, "someone@example.org"))
    from inducci_events.accounts.models import User

    assert db.session.scalar(sa.select(User.id).where(User.email == "later@example.org")) is None


def test_correct_passwords_never_use_the_budget(make_app, make_user):
    client = make_app(AUTH_ADDRESS_LIMIT="5 per minute", AUTH_ACCOUNT_LIMIT="3 per minute").test_client()
    user = make_user()
    assert all(_api_login(client, user.email, PASSWORD).status_code == 200 for _ in range(8))
    assert [_api_login(client, user.email).status_code for _ in range(3)] == [401] * 3
    _retry_after(_api_login(client, user.email, PASSWORD))  # spent: the right password waits too


def test_without_trusted_proxies_forwarded_addresses_are_ignored(make_app, make_user):
    client = make_app(AUTH_ADDRESS_LIMIT="6 per minute").test_client()
    users = [make_user() for _ in range(3)]
    for i in range(6):
        response = _page_login(client, users[i % 3].email, headers={"X-Forwarded-For": f"198.51.100.{i}"})
        assert response.status_code == 422
    _retry_after(_page_login(client, users[0].email, PASSWORD, headers={"X-Forwarded-For": "192.0.2.99"}))


def test_behind_a_trusted_proxy_each_client_has_its_own_address_budget(make_app, make_user, redis_prefix):
    app = make_app(TRUSTED_PROXIES=1, AUTH_ADDRESS_LIMIT="6 per minute", RATELIMIT_STORAGE_URI=REDIS,
                   RATELIMIT_KEY_PREFIX=redis_prefix)
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    users = [make_user() for _ in range(4)]
    mallory, alice = app.test_client(), app.test_client()
    for i in range(6):  # Mallory tries three accounts, twice each
        response = _page_login(mallory, users[i % 3].email, headers={"X-Forwarded-For": "203.0.113.66"},
                               environ_base=proxy)
        assert response.status_code == 422
    _retry_after(_page_login(mallory, users[3].email, headers={"X-Forwarded-For": "203.0.113.66"},
                             environ_base=proxy))
    # Alice, behind the same proxy, is not locked out by Mallory (nor by a header Mallory sends).
    assert _page_login(alice, users[3].email, PASSWORD, headers={"X-Forwarded-For": "203.0.113.5"},
                       environ_base=proxy).status_code == 302
    spoofed = _page_login(mallory, users[3].email, headers={"X-Forwarded-For": "203.0.113.5, 203.0.113.66"},
                          environ_base=proxy)
    _retry_after(spoofed)  # only the entry the proxy wrote counts


def test_a_lock_out_ends_with_its_window(make_app, make_user):
    client = make_app(AUTH_ACCOUNT_LIMIT="2 per 2 seconds").test_client()
    user = make_user()
    assert [_api_login(client, user.email).status_code for _ in range(2)] == [401, 401]
    started = time.monotonic()
    while time.monotonic() - started < 1.0:  # refused tries do not prolong the lock-out
        assert _api_login(client, user.email).status_code == 429
        time.sleep(0.2)
    time.sleep(2.1 - (time.monotonic() - started))
    assert _api_login(client, user.email, PASSWORD).status_code == 200


@pytest.fixture
def logs(caplog, monkeypatch):
    """caplog, with the loggers alive again (Alembic's fileConfig in the migration tests
    disables every logger that existed before it)."""
    for name in ("flask-limiter", "inducci_events"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
    caplog.set_level(logging.WARNING)
    return caplog


def test_redis_down_log_ins_still_limited_per_worker_and_bookings_work(make_app, make_user, make_organiser, logs):
    from datetime import timedelta

    from inducci_events.core.db import utcnow
    from inducci_events.organisations import services as org_services
    from inducci_events.workshops import services as workshops

    down = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    client = down.test_client()
    user = make_user()
    statuses = [_page_login(client, user.email).status_code for _ in range(10)]
    assert statuses == [422] * 10
    assert any("falling back to in-memory" in r.getMessage() for r in logs.records)
    _retry_after(_page_login(client, user.email, PASSWORD))  # still counted, in this worker's memory

    organiser, org = make_organiser()
    venue = org_services.save_venue(organiser, org.id, name="Hall", street="", postcode="1", city="Linz",
                                    country="AT", timezone="Europe/Vienna")
    start = utcnow().replace(microsecond=0) + timedelta(days=20)
    event = workshops.create_event(organiser, org.id, title="Boot camp", capacity=5, status="published",
                                   sessions=[dict(title="M1", venue_id=venue.id, starts_at=start,
                                                  ends_at=start + timedelta(hours=4), module_label="M1")],
                                   questions=[])
    participant = make_user()
    booker = Browser(down.test_client())
    booker.login(participant.email)
    response = booker.submit(f"/events/{event.id}/enrol", {}, form_url=f"/events/{event.id}")
    assert response.status_code == 302
    from inducci_events.workshops.models import Enrolment

    assert db.session.scalar(sa.select(Enrolment.status).where(Enrolment.user_id == participant.id)) == "confirmed"


def test_worker_count_reads_gunicorns_settings():
    assert limits.worker_count({}, ["python"]) == 1
    assert limits.worker_count({"WEB_CONCURRENCY": "4"}, ["python"]) == 4
    assert limits.worker_count({"GUNICORN_CMD_ARGS": "--bind 0.0.0.0:8000 --workers 3"}, ["python"]) == 3
    assert limits.worker_count({"GUNICORN_CMD_ARGS": "-w 2"}, ["python"]) == 2
    assert limits.worker_count({}, ["/srv/.venv/bin/gunicorn", "--workers=5", "wsgi:app"]) == 5
    assert limits.worker_count({}, ["/srv/.venv/bin/gunicorn", "-w", "6", "wsgi:app"]) == 6


def test_start_up_warns_when_several_workers_would_count_alone(monkeypatch, logs, make_app):
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    make_app(RATELIMIT_STORAGE_URI="memory://")
    warnings = [r.getMessage() for r in logs.records if r.levelno == logging.WARNING]
    assert any("memory:// with 2 workers" in m for m in warnings)
    logs.clear()
    make_app(RATELIMIT_STORAGE_URI=REDIS)
    assert not [r for r in logs.records if "memory://" in r.getMessage()]
