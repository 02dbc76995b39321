"""Issue #14, the e-mail part: the outbox delivers every message it can and reports every
one it cannot; one bad message never stops the others or the worker. Against a real SMTP
server on 127.0.0.1 (aiosmtpd)."""
import re
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from inducci_events.core.db import unit_of_work, utcnow
from inducci_events.extensions import db
from inducci_events.mail import cli as mail_cli
from inducci_events.mail import composers, services
from inducci_events.mail.models import OutboxMessage
from tests.conftest import run_at_once
from tests.workshops.conftest import make_event, organiser  # noqa: F401


def queue(email, name="Someone", n=1):
    """Queue ``n`` messages to ``email`` (as a producer does, in a unit of work)."""
    with unit_of_work():
        for _ in range(n):
            services.queue_message(kind="account_created", template="account_created", recipient_email=email,
                                   recipient_name=name, context={"name": name})


def rows(**where):
    db.session.expire_all()
    stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(OutboxMessage, name) == value)
    return db.session.scalars(stmt).all()


def delivered_to(server):
    return Counter(rcpt for _content, rcpts in server.inbox.envelopes for rcpt in rcpts)


def later(minutes):
    return mock.patch.object(services, "utcnow", return_value=utcnow() + timedelta(minutes=minutes))


def test_one_unbuildable_and_one_refused_message_leave_eighteen_delivered_once(runner, smtp_server):
    smtp_server.inbox.refuse.add("gone@example.org")
    for n in range(20):
        if n == 6:
            # An address from before sign-up refused such addresses: cannot go out without SMTPUTF8.
            queue("jürgen@example.org", "Jürgen")
        elif n == 13:
            queue("gone@example.org", "Gone")
        else:
            queue(f"p{n}@example.org", f"P{n}")

    result = runner.invoke(args=["mail", "send", "--batch", "7"])  # three batches, the bad ones inside

    assert result.exit_code == 0, result.output
    assert "sent 18, to retry 0, failed 2" in result.output
    assert delivered_to(smtp_server) == Counter({f"p{n}@example.org": 1 for n in range(20) if n not in (6, 13)})
    sent, failed = rows(status="sent"), rows(status="failed")
    assert len(sent) == 18 and len(failed) == 2
    reasons = {m.recipient_email: m.last_error for m in failed}
    assert "non-ASCII letters before the @" in reasons["jürgen@example.org"]
    assert "550" in reasons["gone@example.org"] and "No such user" in reasons["gone@example.org"]
    assert all(m.failed_at is not None and m.attempts == 1 for m in failed)
    # Nothing is left claimed, and running again sends nothing twice.
    assert rows(status="sending") == []
    assert runner.invoke(args=["mail", "send"]).exit_code == 0
    assert len(smtp_server.inbox.envelopes) == 18


def test_a_message_whose_composer_breaks_fails_alone(app, smtp_server, make_user):
    first, second = make_user(), make_user()  # two welcome messages
    # A deferred message whose composer raises (a bug, or data it does not expect):
    composers.register(app, ["broken"], lambda kind, user, payload: 1 / 0)
    with unit_of_work():
        services.defer_message(kind="broken", user_id=first.id, payload={})
    assert services.deliver_pending() == (2, 1)
    [broken] = rows(kind="broken")
    assert broken.status == "failed" and "ZeroDivisionError" in broken.last_error
    assert sorted(delivered_to(smtp_server)) == sorted([first.email, second.email])


def test_the_loop_logs_a_failing_round_and_goes_on(runner, smtp_server):
    queue("ana@example.org")
    real = services.deliver_pending
    rounds = []

    def flaky(**kwargs):
        rounds.append(1)
        if len(rounds) == 1:
            raise OperationalError("SELECT 1", {}, Exception("the database went away"))
        return real(**kwargs)

    class Stop(Exception):
        """Stops the test's worker after its second round (a real one runs until killed)."""

    def sleep(seconds):
        if len(rounds) >= 2:
            raise Stop

    with mock.patch.object(mail_cli, "deliver_pending", flaky), \
            mock.patch.object(mail_cli, "time", SimpleNamespace(sleep=sleep)):
        result = runner.invoke(args=["mail", "send", "--loop", "--interval", "0"])
    assert isinstance(result.exception, Stop)  # it was still running
    assert len(rounds) == 2 and "sent 1, to retry 0, failed 0" in result.output
    assert delivered_to(smtp_server) == Counter({"ana@example.org": 1})


def test_a_wrong_sender_setting_is_reported_and_claims_nothing(app, runner, smtp_server):
    queue("ana@example.org")
    app.config["MAIL_DEFAULT_SENDER"] = "InduCCI <not an address>"
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 1 and "MAIL_DEFAULT_SENDER" in result.output
    [message] = rows()
    assert (message.status, message.attempts) == ("pending", 0)


def test_transient_failures_back_off_and_give_up_with_the_reason(app, smtp_server):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    queue("ana@example.org")
    smtp_server.stop()

    waits, minutes = [], 0
    for attempt in (1, 2, 3):
        with later(minutes):
            assert services.deliver_pending() == (0, 1)
        [message] = rows()
        assert message.attempts == attempt
        if attempt < 3:
            assert message.status == "pending"
            wait = message.next_attempt_at - (utcnow() + timedelta(minutes=minutes))
            waits.append(wait)
            with later(minutes + wait.total_seconds() / 60 - 0.5):
                assert services.deliver_pending() == (0, 0)  # not due before its back-off
            minutes += wait.total_seconds() / 60 + 0.1
    assert waits[1] > waits[0] > timedelta(0)
    assert message.status == "failed" and message.failed_at is not None
    assert "cannot reach SMTP server" in message.last_error and "gave up after 3 attempts" in message.last_error

    smtp_server.start()
    with later(minutes + 600):
        assert services.deliver_pending() == (0, 0)  # failed is final
    assert smtp_server.inbox.envelopes == []


def test_a_4xx_answer_is_retried_and_delivered_once_the_mailbox_takes_it(smtp_server):
    smtp_server.inbox.defer.add("busy@example.org")
    queue("busy@example.org")
    queue("ana@example.org")
    assert services.deliver_pending() == (1, 1)  # the other message is not held up
    [busy] = rows(recipient_email="busy@example.org")
    assert busy.status == "pending" and "450" in busy.last_error

    smtp_server.inbox.defer.clear()
    with later(2):
        assert services.deliver_pending() == (1, 0)
    assert delivered_to(smtp_server) == Counter({"busy@example.org": 1, "ana@example.org": 1})


def test_a_server_that_goes_away_mid_batch_gets_the_rest_back_for_later(smtp_server):
    queue("a@example.org")
    queue("b@example.org")
    queue("c@example.org")
    real_send = services.build_email
    built = []

    def build_and_stop_after_first(message, sender):
        built.append(message.id)
        if len(built) == 2:
            smtp_server.stop()  # the server dies between the first and the second message
        return real_send(message, sender)

    with mock.patch.object(services, "build_email", build_and_stop_after_first):
        assert services.deliver_pending() == (1, 2)
    assert [m.status for m in rows()] == ["sent", "pending", "pending"]
    smtp_server.start()
    with later(2):
        assert services.deliver_pending() == (2, 0)
    assert delivered_to(smtp_server) == Counter({"a@example.org": 1, "b@example.org": 1, "c@example.org": 1})


def _abandon_a_claim(batch, minutes_ago, token="dead-worker"):
    """A worker claimed a batch ``minutes_ago`` in its own transaction and was killed
    before sending (the claim is made now and dated back)."""
    claimed, _more = services._claim(batch, utcnow(), token)
    with unit_of_work() as session:
        session.execute(sa.update(OutboxMessage).where(OutboxMessage.id.in_(claimed))
                        .values(claimed_at=utcnow() - timedelta(minutes=minutes_ago)))
    db.session.remove()
    return claimed


def test_a_killed_workers_messages_are_delivered_by_another_after_the_claim_timeout(app, smtp_server):
    app.config["MAIL_CLAIM_TIMEOUT"] = 600
    for n in range(5):
        queue(f"k{n}@example.org")
    assert len(_abandon_a_claim(5, minutes_ago=3)) == 5
    assert services.deliver_pending() == (0, 0)  # a recent claim belongs to a live worker
    assert [m.status for m in rows()] == ["sending"] * 5

    with later(8):  # the claim is now 11 minutes old
        assert services.deliver_pending() == (5, 0)
    assert delivered_to(smtp_server) == Counter({f"k{n}@example.org": 1 for n in range(5)})
    assert all((m.status, m.attempts, m.claim_token) == ("sent", 2, None) for m in rows())


def test_a_slow_worker_cannot_overwrite_what_the_worker_that_took_over_recorded(app, smtp_server):
    queue("slow@example.org")
    [message_id] = _abandon_a_claim(1, minutes_ago=11, token="slow-worker")
    assert services.deliver_pending() == (1, 0)  # another worker takes it over
    # The slow worker comes back: its claim is gone, so it neither sends nor records.
    assert services._still_ours(message_id, "slow-worker") is False
    assert services._record(message_id, "slow-worker", 1, error="late failure", permanent=True) is None
    [message] = rows()
    assert (message.status, message.last_error) == ("sent", None)
    assert len(smtp_server.inbox.envelopes) == 1


def test_a_message_on_which_workers_keep_dying_is_failed_with_that_reason(app, smtp_server):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    queue("poison@example.org")
    assert len(_abandon_a_claim(1, minutes_ago=30)) == 1
    assert len(_abandon_a_claim(1, minutes_ago=20)) == 1  # taken over, and that worker died too
    assert services.deliver_pending() == (0, 0)
    [message] = rows()
    assert message.status == "failed" and "worker stopped while sending it, 2 times" in message.last_error
    assert smtp_server.inbox.envelopes == []


@pytest.mark.postgres_only
def test_two_workers_share_a_dead_workers_claims_and_new_messages_exactly_once(app, smtp_server):
    for n in range(30):
        queue(f"old{n}@example.org")
    _abandon_a_claim(30, minutes_ago=11)
    for n in range(30):
        queue(f"new{n}@example.org")

    outcomes = run_at_once(app, [lambda: services.deliver_pending(batch=4)] * 2)

    assert sum(result.sent for _kind, result in outcomes) == 60
    assert all(result.sent > 0 for _kind, result in outcomes), "both workers should have taken a share"
    received = delivered_to(smtp_server)
    assert len(received) == 60 and set(received.values()) == {1}
    assert [m.status for m in rows()] == ["sent"] * 60


def _header_block(raw):
    return raw.split(b"\r\n\r\n", 1)[0].decode("ascii")


def test_cr_lf_in_a_name_is_folded_and_injects_no_header(smtp_server, make_user):
    make_user(email="eve@example.org", name="Eve\r\nBcc: victim@example.org\nX-Evil: 1")
    assert services.deliver_pending() == (1, 0)
    [(raw, rcpts)] = smtp_server.inbox.envelopes
    [received] = smtp_server.inbox.messages
    assert rcpts == ["eve@example.org"]
    assert "Bcc" not in received and "X-Evil" not in received
    assert [a.addr_spec for a in received["To"].addresses] == ["eve@example.org"]
    assert received["To"].addresses[0].display_name == "Eve Bcc: victim@example.org X-Evil: 1"
    headers = _header_block(raw)
    assert not re.search(r"^(Bcc|X-Evil):", headers, re.MULTILINE | re.IGNORECASE)
    assert "\r" not in headers.replace("\r\n", "") and "\n" not in headers.replace("\r\n", "")


def test_cr_lf_in_an_event_title_gives_a_one_line_subject(smtp_server, make_event, make_user):
    from inducci_events.workshops import services as workshops

    event = make_event(title="Boot camp\r\nBcc: everyone@example.org")
    ana = make_user(email="ana@example.org", name="Ana")
    workshops.enrol(ana, event.id)
    services.deliver_pending()
    [(raw, rcpts)] = [(raw, rcpts) for raw, rcpts in smtp_server.inbox.envelopes if b"confirmed" in raw]
    [confirmation] = [m for m in smtp_server.inbox.messages if "confirmed" in m["Subject"]]
    assert confirmation["Subject"] == "Your place is confirmed: Boot camp Bcc: everyone@example.org"
    assert "Bcc" not in confirmation and rcpts == ["ana@example.org"]
    assert not re.search(r"^Bcc:", _header_block(raw), re.MULTILINE | re.IGNORECASE)


def test_non_ascii_names_and_subjects_are_encoded_not_refused(smtp_server, make_user):
    make_user(email="zoe@example.org", name="Žofie Müller-Łukasiewicz", locale="de")
    assert services.deliver_pending() == (1, 0)
    [(raw, _rcpts)] = smtp_server.inbox.envelopes
    [received] = smtp_server.inbox.messages
    assert raw.isascii()  # RFC 2047 words: any SMTP server takes it
    assert received["To"].addresses[0].display_name == "Žofie Müller-Łukasiewicz"
    assert received["Subject"] == "Willkommen bei InduCCI-Veranstaltungen"


def test_an_idn_domain_from_before_the_rule_is_sent_in_ascii(smtp_server):
    queue("leser@bücher.example", "Leser")
    assert services.deliver_pending() == (1, 0)
    assert delivered_to(smtp_server) == Counter({"leser@xn--bcher-kva.example": 1})


def test_demo_mode_writes_the_good_messages_and_fails_the_bad_one(app, tmp_path):
    app.config["MAIL_FOLDER"] = str(tmp_path / "box")
    queue("ana@example.org")
    queue("jürgen@example.org")
    queue("ben@example.org")
    assert services.deliver_pending() == (2, 1)
    assert len(list((tmp_path / "box").glob("*.eml"))) == 2
    assert [m.status for m in rows()] == ["sent", "failed", "sent"]
