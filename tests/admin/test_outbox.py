"""The administrators' outbox: undelivered and waiting e-mail, sent again or discarded."""
import sqlalchemy as sa

from inducci_events.audit.models import AuditEntry
from inducci_events.extensions import db
from inducci_events.mail import services
from tests.mail.conftest import smtp_server  # noqa: F401 - the real local SMTP server fixture
from tests.mail.test_delivery import queue, rows


def _failed_twice(smtp_server):  # noqa: F811
    smtp_server.inbox.refuse.add("gone@example.org")
    queue("gone@example.org", "Gone <Person>")
    queue("jürgen@example.org", "Jürgen")
    services.deliver_pending()


def test_admins_see_each_failed_message_with_its_reason(browser, make_user, smtp_server):  # noqa: F811
    _failed_twice(smtp_server)
    admin = make_user(email="admin@example.org", admin=True)
    browser.login(admin.email)

    response = browser.get("/admin/mail/failed")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2 messages could not be delivered" in page
    rows_ = page.split('data-testid="outbox-message"')[1:]
    assert len(rows_) == 2
    gone = next(row for row in rows_ if "gone@example.org" in row)
    assert "account_created" in gone and "550" in gone and "No such user" in gone
    assert "Gone &lt;Person&gt;" in gone  # the name is shown as text
    assert "<td>1</td>" in gone  # attempts
    assert any("jürgen@example.org" in row and "non-ASCII" in row for row in rows_)


def test_a_fixed_address_is_sent_again_and_the_retry_is_logged(browser, make_user, smtp_server):  # noqa: F811
    _failed_twice(smtp_server)
    admin = make_user(email="admin@example.org", admin=True)
    browser.login(admin.email)
    smtp_server.inbox.refuse.clear()  # the mailbox exists again
    gone = rows(recipient_email="gone@example.org")[0]

    response = browser.submit(f"/admin/mail/{gone.id}/retry?which=failed", {}, form_url="/admin/mail/failed")

    assert response.status_code == 302
    assert rows(recipient_email="gone@example.org")[0].status == "pending"
    services.deliver_pending()
    assert rows(recipient_email="gone@example.org")[0].status == "sent"
    entry = db.session.scalars(sa.select(AuditEntry)).one()
    assert (entry.action, entry.actor_id, entry.subject_id) == ("mail.retry", admin.id, gone.id)
    assert "sent again" in browser.get("/admin/log").get_data(as_text=True)


def test_a_discarded_message_is_gone_and_a_waiting_one_can_be_discarded_too(browser, make_user, smtp_server):  # noqa: F811
    _failed_twice(smtp_server)
    queue("later@example.org", "Later")  # waiting, never tried
    admin = make_user(email="admin@example.org", admin=True)
    browser.login(admin.email)
    failed = rows(recipient_email="gone@example.org")[0]
    waiting = rows(recipient_email="later@example.org")[0]
    assert "later@example.org" in browser.get("/admin/mail/pending").get_data(as_text=True)

    browser.submit(f"/admin/mail/{failed.id}/discard", {}, form_url="/admin/mail/failed")
    browser.submit(f"/admin/mail/{waiting.id}/discard?which=pending", {}, form_url="/admin/mail/pending")

    assert rows(recipient_email="gone@example.org") == [] and rows(recipient_email="later@example.org") == []
    assert "1 message could not be delivered" in browser.get("/admin/mail", follow_redirects=True).get_data(as_text=True)
    assert "later@example.org" not in browser.get("/admin/mail/pending").get_data(as_text=True)


def test_a_sent_message_cannot_be_retried_or_discarded(browser, make_user, smtp_server):  # noqa: F811
    queue("ok@example.org")
    services.deliver_pending()
    sent = rows(recipient_email="ok@example.org")[0]
    admin = make_user(email="admin@example.org", admin=True)
    browser.login(admin.email)

    response = browser.submit(f"/admin/mail/{sent.id}/retry", {}, form_url="/admin/mail/failed")
    page = browser.get("/admin/mail", follow_redirects=True).get_data(as_text=True)
    assert response.status_code == 302 and "can no longer be changed" in page
    assert browser.submit("/admin/mail/999999/discard", {}, form_url="/admin/mail/failed").status_code == 302
    assert "no such message" in browser.get("/admin/mail", follow_redirects=True).get_data(as_text=True)
    assert rows(recipient_email="ok@example.org")[0].status == "sent"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_nobody_else_sees_or_changes_the_outbox(browser, client, make_user, smtp_server):  # noqa: F811
    _failed_twice(smtp_server)
    assert client.get("/admin/mail/failed").status_code == 302  # to the log-in
    user = make_user()
    browser.login(user.email)
    response = browser.get("/admin/mail/failed")
    assert response.status_code == 403
    assert "administrators" in response.get_data(as_text=True)
    message = rows(recipient_email="gone@example.org")[0]
    assert browser.submit(f"/admin/mail/{message.id}/discard", {}, form_url="/profile").status_code == 403
    assert rows(recipient_email="gone@example.org")[0].status == "failed"
