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
