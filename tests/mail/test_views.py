"""The administrators' page of undelivered e-mail."""
from inducci_events.mail import services
from tests.mail.test_delivery import queue


def test_admins_see_each_failed_message_with_its_reason(browser, make_user, smtp_server):
    smtp_server.inbox.refuse.add("gone@example.org")
    admin = make_user(email="admin@example.org", admin=True)
    queue("gone@example.org", "Gone <Person>")
    queue("jürgen@example.org", "Jürgen")
    services.deliver_pending()
    browser.login(admin.email)

    response = browser.get("/admin/mail/failed")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2 messages could not be delivered" in page
    rows = page.split('data-testid="failed-message"')[1:]
    assert len(rows) == 2
    gone = next(row for row in rows if "gone@example.org" in row)
    assert "account_created" in gone and "550" in gone and "No such user" in gone
    assert "Gone &lt;Person&gt;" in gone  # the name is shown as text
    assert "<td>1</td>" in gone  # attempts
    assert any("jürgen@example.org" in row and "non-ASCII" in row for row in rows)


def test_nobody_else_sees_the_page(browser, client, make_user):
    assert client.get("/admin/mail/failed").status_code == 302  # to the log-in
    user = make_user()
    browser.login(user.email)
    response = browser.get("/admin/mail/failed")
    assert response.status_code == 403
    assert "administrators" in response.get_data(as_text=True)
