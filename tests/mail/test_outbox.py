import threading
from datetime import timedelta
from unittest import mock

import pytest
import sqlalchemy as sa

from inducci_events.core.db import unit_of_work, utcnow
from inducci_events.extensions import db
from inducci_events.mail import services
from inducci_events.mail.models import OutboxMessage
from tests.conftest import count


def _message():
    return db.session.scalar(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()))


def test_sign_up_queues_a_welcome_message_in_the_users_language(make_user):
    make_user(email="jonas@example.org", name="Jonas", locale="de")
    message = _message()
    assert (message.recipient_email, message.status, message.locale) == ("jonas@example.org", "pending", "de")
    assert message.subject == "Willkommen bei InduCCI-Veranstaltungen"
    assert "Hallo Jonas" in message.body_text and "Hallo Jonas" in message.body_html


def test_a_rolled_back_change_queues_nothing(app):
    with pytest.raises(RuntimeError):
        with unit_of_work():
            services.queue_message(kind="account_created", template="account_created",
                                   recipient_email="x@example.org", context={"name": "X"})
            raise RuntimeError("the booking failed")
    assert count(OutboxMessage) == 0


def test_queueing_outside_a_unit_of_work_is_refused(app):
    with pytest.raises(RuntimeError):
        services.queue_message(kind="k", template="account_created", recipient_email="x@example.org")


def test_smtp_delivery_sends_each_message_once(smtp_server, make_user):
    make_user(email="ana@example.org", name="Ana")
    assert services.deliver_pending() == (1, 0)
    assert services.deliver_pending() == (0, 0)
    [received] = smtp_server.inbox.messages
    assert received["To"] == "Ana <ana@example.org>"
    assert received.get_body(("plain",)).get_content().startswith("Hello Ana,")
    assert received.get_body(("html",)) is not None
    assert _message().status == "sent" and _message().sent_at is not None


def test_a_stopped_server_keeps_the_message_pending_until_it_is_back(smtp_server, make_user):
    smtp_server.stop()
    user = make_user()  # the sign-up itself succeeds
    assert user.id is not None
    assert services.deliver_pending() == (0, 1)
    message = _message()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "cannot reach SMTP server" in message.last_error
    assert message.next_attempt_at > utcnow()

    smtp_server.start()
    assert services.deliver_pending() == (0, 0)  # not due yet: back-off
    later = utcnow() + timedelta(minutes=2)
    with mock.patch.object(services, "utcnow", return_value=later):
        assert services.deliver_pending() == (1, 0)
    assert len(smtp_server.inbox.messages) == 1
    assert _message().status == "sent"


def test_gives_up_after_the_maximum_attempts(app, smtp_server, make_user):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    smtp_server.stop()
    make_user()
    now = utcnow()
    for minutes in (0, 10):
        with mock.patch.object(services, "utcnow", return_value=now + timedelta(minutes=minutes)):
            services.deliver_pending()
    assert _message().status == "failed"


def test_demo_mode_writes_eml_files_right_after_the_commit(app, tmp_path, make_user):
    app.config.update(MAIL_DELIVER_AFTER_COMMIT=True, MAIL_FOLDER=str(tmp_path / "outbox"))
    make_user(email="lea@example.org")
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1 and files[0].name.endswith("-account_created.eml")
    assert b"lea@example.org" in files[0].read_bytes()
    assert _message().status == "sent"


def test_the_flask_mail_send_command_delivers(runner, smtp_server, make_user):
    make_user()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "sent 1" in result.output
    assert len(smtp_server.inbox.messages) == 1


@pytest.mark.postgres_only
def test_two_workers_deliver_each_message_exactly_once(app, smtp_server):
    with unit_of_work():
        for n in range(60):
            services.queue_message(kind="account_created", template="account_created",
                                   recipient_email=f"p{n}@example.org", context={"name": f"P{n}"})
    results, barrier = [], threading.Barrier(2)

    def worker():
        with app.app_context():
            barrier.wait(5)
            results.append(services.deliver_pending(batch=5))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    recipients = [m["To"] for m in smtp_server.inbox.messages]
    assert len(recipients) == 60 and len(set(recipients)) == 60
    assert sum(sent for sent, _ in results) == 60
    assert all(sent > 0 for sent, _ in results), "both workers should have taken a share"
    assert count(OutboxMessage) == 60
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.status == "sent")) == 60
