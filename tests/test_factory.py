import pytest

from config import ProductionConfig, load_config
from inducci_events import create_app


def test_create_app_does_not_touch_the_database():
    # The factory must start even when the database is not reachable (migrations, workers).
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert "api.health" in app.view_functions
    with app.test_client() as client:
        assert client.get("/api/v1/health").get_json() == {"status": "degraded", "database": "unreachable"}


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_config("production")


@pytest.mark.parametrize("key", ["change-me-to-48-random-characters", "short-secret"])
def test_production_refuses_the_example_or_a_short_secret_key(monkeypatch, key):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="placeholder or shorter"):
        load_config("production")


def test_unknown_app_env_is_a_clear_error():
    with pytest.raises(RuntimeError, match="APP_ENV"):
        create_app("staging")


def test_pages_carry_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_httponly_and_lax(browser, make_user):
    user = make_user()
    response = browser.login(user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_stylesheet_is_served_locally(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/static/css/app.css"' in page
    assert "http://" not in page.split("<body>")[0] and "https://" not in page.split("<body>")[0]
    with client.get("/static/css/app.css") as stylesheet:
        assert stylesheet.status_code == 200 and stylesheet.mimetype == "text/css"
