"""Profile pages through HTTP: editing, the directory, hidden profiles, no e-mail address
anywhere public, and a message relayed through the outbox to a real SMTP server."""
import re


from inducci_events.mail import services as mail
from inducci_events.profiles.models import ProfileMessage
from tests.conftest import count
from tests.mail.conftest import smtp_server  # noqa: F401 - the real local SMTP server fixture


def test_a_creative_fills_in_their_profile_and_sees_it(browser, make_user):
    user = make_user(email="mira@example.org", name="Mira Creative")
    browser.login(user.email)
    page = browser.get("/profiles/mine").get_data(as_text=True)
    assert "My public profile" in page
    response = browser.submit("/profiles/mine", {
        "kind": "creative", "headline": "Sound design for machines", "about": "Field recordings in factories.",
        "skills": "Sound design, field recording", "sectors": "textiles", "region": "Chemnitz",
        "languages": "de, EN", "offers": "Sound logos", "needs": "Factory floors to record", "visible": "y"})
    assert response.status_code == 302
    page = browser.get(response.location).get_data(as_text=True)
    assert "Your profile is saved." in page
    assert "Sound design for machines" in page and "field recording" in page and "de, en" in page
    assert "mira@example.org" not in page
    # invalid values: messages next to the fields, status 422, nothing changed
    response = browser.submit("/profiles/mine", {"kind": "creative", "headline": "Still me",
                                                 "languages": "German", "skills": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "two- or three-letter code" in page and "a tag has 2 to 40 characters" in page
    assert browser.get("/profiles/").get_data(as_text=True).count('data-testid="profile-card"') == 1


def test_the_profile_pages_need_a_login(client):
    assert client.get("/profiles/mine").status_code == 302
    assert client.get("/profiles/1/contact").status_code == 302


def test_directory_filters_and_pages(client, make_profile):
    make_profile(headline="Video studio Chemnitz", skills=["video production"], region="Chemnitz")
    make_profile(kind="company", headline="Steel works Linz", skills=["welding"], sectors=["steel"],
                 region="Upper Austria")
    page = client.get("/profiles/").get_data(as_text=True)
    assert "2 profiles found" in page
    page = client.get("/profiles/?skill=welding").get_data(as_text=True)
    assert "Steel works Linz" in page and "Video studio Chemnitz" not in page and "1 profile found" in page
    page = client.get("/profiles/?region=Chemnitz&q=studio").get_data(as_text=True)
    assert "Video studio Chemnitz" in page and "Steel works Linz" not in page
    page = client.get("/profiles/?kind=company&sector=steel").get_data(as_text=True)
    assert "Steel works Linz" in page and "Video studio Chemnitz" not in page
    assert "No profile matches" in client.get("/profiles/?q=astrology").get_data(as_text=True)
    assert client.get("/profiles/?kind=robot&page=-3").status_code == 200


def test_the_directory_pages_through_many_profiles(client, make_profile, make_user):
    for n in range(23):
        make_profile(headline=f"Maker number {n:02d}")
    first = client.get("/profiles/").get_data(as_text=True)
    second = client.get("/profiles/?page=2").get_data(as_text=True)
    assert first.count('data-testid="profile-card"') == 20 and second.count('data-testid="profile-card"') == 3
    assert "Page 2 of 2" in second and "Page 1 of 2" in first


def test_hidden_profiles_appear_nowhere_public(browser, client, make_profile, make_user, api):
    owner = make_user(email="hidden.owner@example.org", name="Hidden Owner")
    hidden = make_profile(user=owner, headline="Secret headline", skills=["stealth"], visible=False)
    assert "Secret headline" not in client.get("/profiles/").get_data(as_text=True)
    assert "stealth" not in client.get("/profiles/").get_data(as_text=True)  # nor in the filters
    assert client.get(f"/profiles/{hidden.id}").status_code == 404
    assert client.get("/api/v1/profiles").get_json() == []
    assert client.get(f"/api/v1/profiles/{hidden.id}").status_code == 404
    other = make_user()
    browser.login(other.email)
    assert browser.get(f"/profiles/{hidden.id}").status_code == 404
    assert browser.get(f"/profiles/{hidden.id}/contact").status_code == 404
    # its owner sees it, marked as hidden
    owner_browser = type(browser)(browser.client.application.test_client())
    owner_browser.login(owner.email)
    page = owner_browser.get(f"/profiles/{hidden.id}").get_data(as_text=True)
    assert "Secret headline" in page and "only you see this page" in page
    token = api.token_for(owner.email)
    assert api.get("/api/v1/me/profile", token=token).get_json()["visible"] is False


def test_no_email_address_on_any_public_page_or_answer(client, make_profile, make_user):
    users = [make_user(email=f"person{n}@example.org") for n in range(3)]
    profiles = [make_profile(user=u, about="Contact me through the app.") for u in users]
    answers = [client.get("/profiles/"), client.get("/profiles/?q=app"), client.get("/api/v1/profiles"),
               *(client.get(f"/profiles/{p.id}") for p in profiles),
               *(client.get(f"/api/v1/profiles/{p.id}") for p in profiles)]
    for answer in answers:
        assert answer.status_code == 200
        text = answer.get_data(as_text=True)
        assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text), text


def test_a_message_is_relayed_by_mail_without_addresses(app, browser, make_profile, make_user,
                                                         smtp_server):  # noqa: F811
    app.config["PROFILE_MESSAGES_PER_HOUR"] = 2
    owner = make_user(email="living.lab@example.org", name="Living Lab Chemnitz", locale="de")
    profile = make_profile(user=owner, kind="other", headline="Living Lab: industry needs meet CCI offers")
    sender = make_user(email="anna@example.org", name="Anna Kovač")
    make_profile(user=sender, headline="Illustrator")
    mail.deliver_pending()
    smtp_server.inbox.messages.clear()  # the welcome mails
    browser.login(sender.email)
    page = browser.get(f"/profiles/{profile.id}").get_data(as_text=True)
    assert "Write to Living Lab Chemnitz" in page
    response = browser.submit(f"/profiles/{profile.id}/contact",
                              {"subject": "Workshop idea", "body": "I draw machines. Shall we talk?"})
    assert response.status_code == 302
    assert "Your message is on its way" in browser.get(response.location).get_data(as_text=True)
    mail.deliver_pending()
    [message] = smtp_server.inbox.messages
    assert message["To"].addresses[0].addr_spec == "living.lab@example.org"
    text = message.get_body(("plain",)).get_content()
    assert "Anna Kovač" in message["Subject"] and "Workshop idea" in message["Subject"]
    assert "I draw machines. Shall we talk?" in text
    assert "anna@example.org" not in message.as_string()
    reply_link = re.search(r"http://events\.test/profiles/messages/(\d+)/reply", text)
    assert reply_link
    # the recipient replies through the link; the sender gets it, again without the address
    owner_browser = type(browser)(app.test_client())
    owner_browser.login(owner.email)
    path = reply_link.group(0).replace("http://events.test", "")
    assert "Re: Workshop idea" in owner_browser.get(path).get_data(as_text=True)
    response = owner_browser.submit(path, {"subject": "Re: Workshop idea", "body": "Gladly, come on Monday."})
    assert response.status_code == 302
    mail.deliver_pending()
    answer = smtp_server.inbox.messages[1]
    assert answer["To"].addresses[0].addr_spec == "anna@example.org"
    assert "living.lab@example.org" not in answer.as_string()
    assert "Gladly, come on Monday." in answer.get_body(("plain",)).get_content()
    # nobody else may open the reply page
    assert browser.get(path).status_code == 404

    # the rate limit: a second message passes, the third is refused with 429
    response = browser.submit(f"/profiles/{profile.id}/contact",
                              {"subject": "One more", "body": "And another thought about it."})
    assert response.status_code == 302
    response = browser.submit(f"/profiles/{profile.id}/contact",
                              {"subject": "Too many", "body": "And yet another thought about it."})
    assert response.status_code == 429
    assert "2 messages per hour" in response.get_data(as_text=True)
    assert count(ProfileMessage) == 3


def test_the_mail_speaks_the_recipients_language(app, make_profile, make_user, smtp_server):  # noqa: F811
    from inducci_events.profiles import services

    owner = make_user(name="Firma Linz", locale="de")
    profile = make_profile(user=owner, kind="company")
    sender = make_user(name="Jonas")
    mail.deliver_pending()
    smtp_server.inbox.messages.clear()  # the welcome mails
    services.write_to_profile(sender, profile.id, subject="Hallo", body="Wir suchen eine Kooperation.")
    mail.deliver_pending()
    [message] = smtp_server.inbox.messages
    assert "Jonas hat Ihnen über InduCCI geschrieben" in message["Subject"] or "Jonas" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "Hallo Firma Linz" in text
