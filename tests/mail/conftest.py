import socket
import time

import sqlalchemy as sa

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """Collects what a real SMTP server on 127.0.0.1 received.

    ``refuse`` and ``defer`` hold recipients it answers with 550 (for good) or 450 (try
    later) at RCPT TO; ``envelopes`` keeps each message's raw bytes and envelope recipients.
    """

    def __init__(self):
        self.messages = []
        self.envelopes = []
        self.refuse = set()
        self.defer = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        if address in self.defer:
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        import email
        from email import policy

        self.envelopes.append((bytes(envelope.content), list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    def __init__(self):
        self.port = _free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
            time.sleep(0.05)


@pytest.fixture
def smtp_server(app):
    server = SMTPServer()
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False, MAIL_USE_SSL=False)
    yield server
    server.stop()


def compose_all():
    """Compose the deferred messages now (the worker does it just before sending), so a
    test can read their texts and attachments."""
    from inducci_events.extensions import db
    from inducci_events.mail import services
    from inducci_events.mail.models import OutboxMessage

    ids = db.session.scalars(sa.select(OutboxMessage.id).where(OutboxMessage.body_text.is_(None))).all()
    for message_id in ids:
        services.compose(message_id)
