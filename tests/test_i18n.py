def test_language_follows_the_browser_when_logged_out(client):
    german = client.get("/", headers={"Accept-Language": "de-AT,de;q=0.9,en;q=0.5"}).get_data(as_text=True)
    english = client.get("/", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert "Anmelden" in german and 'lang="de"' in german
    assert "Log in" in english and 'lang="en"' in english


def test_the_users_setting_wins_over_the_browser(browser, make_user):
    user = make_user(locale="de")
    browser.login(user.email)
    page = browser.get("/profile", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Ihr Profil" in page


def test_api_errors_are_translated_too(client):
    response = client.get("/api/v1/me", headers={"Accept-Language": "de"})
    assert "API-Token" in response.get_json()["error"]["message"]


# --- the language switch and the order: profile, cookie, Accept-Language, default ---------

import re  # noqa: E402
from datetime import date, datetime, time, timezone  # noqa: E402

import pytest  # noqa: E402

from config import Config  # noqa: E402
from inducci_events.accounts.models import User  # noqa: E402
from inducci_events.extensions import db  # noqa: E402
from tests.conftest import PASSWORD, csrf_from  # noqa: E402

SEVEN = ["en", "de", "cs", "pl", "it", "sl", "nl"]


def _lang(html):
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def _switch(client, locale, next_path="/"):
    page = client.get(next_path).get_data(as_text=True)
    return client.post(f"/language?next={next_path}", data={"locale": locale, "csrf_token": csrf_from(page)})


def test_the_seven_languages_are_configured_with_their_own_names():
    assert list(Config.LANGUAGES) == SEVEN
    assert Config.LANGUAGES["cs"] == "Čeština" and Config.LANGUAGES["sl"] == "Slovenščina"


def test_every_page_offers_the_switch_in_every_language_with_a_csrf_token(client):
    html = client.get("/spaces/").get_data(as_text=True)
    switch = html[html.index('data-testid="language-switch"'):]
    switch = switch[:switch.index("</details>")]
    assert 'name="csrf_token"' in switch and 'action="/language?next=/spaces/"' in switch
    for code, name in Config.LANGUAGES.items():
        assert f'value="{code}" lang="{code}"' in switch and name in switch
    assert "<script" not in html


def test_a_visitor_switches_and_the_cookie_beats_the_browser(client):
    response = _switch(client, "de", "/spaces/")
    assert response.status_code == 302 and response.headers["Location"] == "/spaces/"
    assert "lang=de" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert _lang(page) == "de" and "Anmelden" in page
    _switch(client, "cs")
    assert _lang(client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)) == "cs"


def test_without_a_choice_the_browser_decides_then_the_default(client):
    assert _lang(client.get("/", headers={"Accept-Language": "sl-SI,sl;q=0.9,en;q=0.5"}).get_data(as_text=True)) == "sl"
    assert _lang(client.get("/", headers={"Accept-Language": "nl-BE"}).get_data(as_text=True)) == "nl"
    assert _lang(client.get("/", headers={"Accept-Language": "fr-FR,fr"}).get_data(as_text=True)) == "en"
    assert _lang(client.get("/").get_data(as_text=True)) == "en"


def test_the_profile_beats_the_cookie_and_the_switch_updates_the_profile(app, browser, client, make_user):
    user = make_user(locale="pl")
    client.set_cookie("lang", "it")
    browser.login(user.email)
    assert _lang(client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)) == "pl"
    _switch(client, "de", "/profile")
    with app.app_context():
        assert db.session.get(User, user.id).locale == "de"
    assert "Ihr Profil" in client.get("/profile").get_data(as_text=True)
    # Logged out, the choice stays with the device (the cookie), not with the browser's default.
    page = client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    assert _lang(client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)) == "de"


def test_the_switch_refuses_an_unknown_language_a_missing_token_and_foreign_targets(app, browser, client, make_user):
    user = make_user(locale="en")
    browser.login(user.email)
    refused = _switch(client, "fr")
    assert refused.status_code == 302 and "lang=" not in refused.headers.get("Set-Cookie", "")
    page = client.get("/").get_data(as_text=True)
    assert "Choose one of these languages: en, de, cs, pl, it, sl, nl." in page
    with app.app_context():
        assert db.session.get(User, user.id).locale == "en"
    assert client.post("/language", data={"locale": "de"}).status_code == 400  # no CSRF token
    away = client.post("/language?next=//evil.example/", data={"locale": "de", "csrf_token": csrf_from(page)})
    assert away.headers["Location"] == "/"


def test_a_saved_profile_language_is_one_of_the_seven(browser, client, make_user):
    user = make_user(locale="en")
    browser.login(user.email)
    page = client.get("/profile").get_data(as_text=True)
    for code in SEVEN:
        assert f'<option value="{code}"' in page or f'value="{code}"' in page


# --- the API: locale on sign-up and PATCH /me, answers in that language -------------------

@pytest.mark.parametrize("locale", SEVEN)
def test_the_api_signs_up_in_each_of_the_seven_languages(app, api, locale):
    created = api.post("/api/v1/users", {"email": f"{locale}@example.org", "password": PASSWORD,
                                         "name": "Ana", "locale": locale})
    assert created.status_code == 201, created.get_json()
    me = api.get("/api/v1/me", token=api.token_for(f"{locale}@example.org"))
    assert me.get_json()["locale"] == locale


def test_the_api_refuses_other_locales_and_changes_nothing(app, api, make_user):
    refused = api.post("/api/v1/users", {"email": "fr@example.org", "password": PASSWORD, "name": "F",
                                         "locale": "fr"})
    assert refused.status_code == 422 and "locale" in refused.get_json()["error"]["fields"]
    user = make_user(locale="cs")
    token = api.token_for(user.email)
    bad = api.patch("/api/v1/me", {"locale": "de-AT"}, token=token)
    assert bad.status_code == 422 and "locale" in bad.get_json()["error"]["fields"]
    empty = api.patch("/api/v1/me", {"name": "  "}, token=token)
    assert empty.status_code == 422 and "name" in empty.get_json()["error"]["fields"]
    assert api.get("/api/v1/me", token=token).get_json()["locale"] == "cs"


def test_patch_me_changes_the_language_of_the_answers(app, api, make_user):
    user = make_user(locale="en", name="Mia")
    token = api.token_for(user.email)
    changed = api.patch("/api/v1/me", {"locale": "de"}, token=token)
    assert changed.status_code == 200 and changed.get_json()["locale"] == "de"
    assert changed.get_json()["name"] == "Mia"
    # The profile beats Accept-Language; a cookie is no setting for API callers.
    refused = api.patch("/api/v1/me", {"locale": "xx"}, token=token, headers={"Accept-Language": "en"})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["message"] == "Einige Angaben sind ungültig."
    anonymous = api.get("/api/v1/me", headers={"Accept-Language": "en", "Cookie": "lang=de"})
    assert anonymous.get_json()["error"]["message"] == "Send an API token: Authorization: Bearer <token>."
    renamed = api.patch("/api/v1/me", {"name": "Mia K."}, token=token)
    assert renamed.get_json()["locale"] == "de" and renamed.get_json()["name"] == "Mia K."


# --- dates, times and numbers --------------------------------------------------------------

def _formats(app, locale):
    from flask_babel import force_locale

    from inducci_events.core import i18n

    instant = datetime(2026, 12, 1, 13, 5, tzinfo=timezone.utc)  # 14:05 in Berlin
    with app.test_request_context("/"), force_locale(locale):
        return {
            "medium": i18n.format_instant(instant, "Europe/Berlin"),
            "time": i18n.format_instant(instant, "Europe/Berlin", "time"),
            "short": i18n.format_instant(instant, "Europe/Berlin", "short"),
            "day": i18n.format_day(date(2026, 12, 1)),
            "days": i18n.format_days(date(2026, 12, 1), date(2026, 12, 5)),
            "month": i18n.format_month(date(2026, 12, 1)),
            "clock": i18n.format_clock(time(19, 0)),
            "number": i18n.format_number(1234.5),
        }


def test_english_pages_read_british_with_a_24_hour_clock(app):
    assert _formats(app, "en") == {
        "medium": "1 Dec 2026, 14:05", "time": "14:05", "short": "Tue 1 Dec, 14:05", "day": "1 Dec 2026",
        "days": "1\u2009–\u20095 Dec 2026", "month": "December 2026", "clock": "19:00", "number": "1,234.5",
    }


@pytest.mark.parametrize("locale, month, number", [
    ("de", "Dezember 2026", "1.234,5"), ("cs", "prosinec 2026", "1\xa0234,5"), ("pl", "grudzień 2026", "1\xa0234,5"),
    ("it", "dicembre 2026", "1.234,5"), ("sl", "december 2026", "1.234,5"), ("nl", "december 2026", "1.234,5"),
])
def test_every_language_has_its_month_names_numbers_and_24_hours(app, locale, month, number):
    shown = _formats(app, locale)
    assert shown["month"] == month and shown["number"] == number
    assert "14:05" in shown["medium"] and shown["clock"] in ("19:00",)
    assert not re.search(r"AM|PM|2026-12", " ".join(shown.values()))


def test_templates_show_no_iso_dates_or_raw_clock_formats():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    offending = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".html", ".txt") or path.name == "docs.html":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            # isoformat()/strftime inside url_for(...) or data-* attributes are machine values.
            shown = re.sub(r"url_for\([^{}]*\)|data-[\w-]+=\"[^\"]*\"", "", line)
            if re.search(r"isoformat\(|strftime\(|%Y-%m|\|\s*string\b", shown):
                offending.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offending == []


def test_sign_up_proposes_the_language_the_visitor_chose(client):
    _switch(client, "nl", "/register")
    page = client.get("/register", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert re.search(r'<option selected value="nl">|<option value="nl" selected>', page)
