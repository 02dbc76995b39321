"""Where messages go: a real SMTP server, or ``.eml`` files in a folder (demo mode).

A transport sorts every failure into one of two kinds, so the outbox knows what to do:

- :class:`PermanentFailure`: the server refused *this* message for good (a 5xx answer to its
  recipient or its content). Trying again cannot help: the message is marked failed.
- :class:`TransportError`: the server could not take it *now* (connection refused or lost,
  a time-out, a 4xx answer). The message is retried with back-off. :class:`Unreachable`, a
  kind of it, says that no connection could be opened at all, so the rest of the batch need
  not wait for a time-out each.
"""
import os
import smtplib
import ssl
from pathlib import Path


class TransportError(Exception):
    """The transport could not take the message now; it will be retried."""


class Unreachable(TransportError):
    """No connection to the server could be opened."""


class PermanentFailure(Exception):
    """The server refused the message for good (e.g. an unknown recipient)."""


def _answer(code, text):
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(text.split())}"


class SMTPTransport:
    """SMTP for a batch of messages (``with transport: transport.send(msg, sender, recipient)``).

    Opens one connection when the batch starts; a connection that is lost during the batch
    (the server closes idle or busy connections) is opened again for the next message.
    Addresses must be ASCII (the outbox puts IDN domains into their ``xn--`` form and
    refuses the rest before sending), so no SMTPUTF8 is needed from any server.
    """

    def __init__(self, host, port=25, *, use_tls=False, use_ssl=False, username=None, password=None, timeout=10):
        self.host, self.port = host, port
        self.use_tls, self.use_ssl = use_tls, use_ssl
        self.username, self.password = username, password
        self.timeout = timeout
        self._smtp = None

    def _connect(self):
        try:
            if self.use_ssl:
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.use_tls:
                    smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            raise Unreachable(f"cannot reach SMTP server {self.host}:{self.port}: {exc}") from exc
        self._smtp = smtp

    def _drop(self):
        """Forget a connection that is broken or in an unknown state (the next send reconnects)."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.close()
            except OSError:
                pass

    def __enter__(self):
        self._connect()
        return self

    def __exit__(self, *exc_info):
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._drop()

    def send(self, message, sender, recipient):
        """Send ``message`` from ``sender`` to ``recipient`` (the envelope; ASCII addresses).

        :raises PermanentFailure: a 5xx answer to the recipient or to the message itself.
        :raises TransportError: anything that may work later (4xx, time-out, lost connection).
        """
        if self._smtp is None:
            self._connect()
        try:
            self._smtp.send_message(message, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            # One recipient per message: its answer decides. smtplib has already sent RSET.
            code, text = next(iter(exc.recipients.values()))
            reason = f"the server refused {recipient}: {_answer(code, text)}"
            if code >= 500:
                raise PermanentFailure(reason) from exc
            raise TransportError(reason) from exc
        except smtplib.SMTPDataError as exc:
            reason = f"the server refused the message: {_answer(exc.smtp_code, exc.smtp_error)}"
            if exc.smtp_code == 421:
                self._drop()
            if 500 <= exc.smtp_code < 600:
                raise PermanentFailure(reason) from exc
            raise TransportError(reason) from exc
        except smtplib.SMTPSenderRefused as exc:
            # About our MAIL_DEFAULT_SENDER, not this message: retried (and reported) until
            # MAIL_MAX_ATTEMPTS, which leaves an administrator time to fix the setting.
            raise TransportError(f"the server refused the sender {sender}: "
                                 f"{_answer(exc.smtp_code, exc.smtp_error)}") from exc
        except smtplib.SMTPResponseException as exc:
            self._drop()
            raise TransportError(f"SMTP error: {_answer(exc.smtp_code, exc.smtp_error)}") from exc
        except (OSError, smtplib.SMTPException) as exc:  # lost connection, time-out
            self._drop()
            raise TransportError(f"SMTP connection to {self.host}:{self.port} failed: {exc}") from exc
        except Exception:
            # Anything else comes from this message (smtplib refusing its headers): the
            # conversation may be half-way, so start the next message on a new connection.
            self._drop()
            raise


class FolderTransport:
    """Writes each message as ``<id>-<kind>.eml`` into a folder (the demo's mailbox)."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def __enter__(self):
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Unreachable(f"cannot create the mail folder {self.folder}: {exc}") from exc
        return self

    def __exit__(self, *exc_info):
        return None

    def send(self, message, sender, recipient):
        name = f"{message['X-Outbox-Id']}-{message['X-Outbox-Kind']}.eml"
        tmp = self.folder / f".{name}.tmp"
        try:
            tmp.write_bytes(bytes(message))
            os.replace(tmp, self.folder / name)  # atomic: a reader never sees half a file
        except OSError as exc:
            raise TransportError(str(exc)) from exc


def transport_from_config(config):
    if config.get("MAIL_SERVER"):
        return SMTPTransport(
            config["MAIL_SERVER"], config["MAIL_PORT"], use_tls=config["MAIL_USE_TLS"],
            use_ssl=config["MAIL_USE_SSL"], username=config["MAIL_USERNAME"], password=config["MAIL_PASSWORD"],
            timeout=config.get("MAIL_TIMEOUT", 10),
        )
    return FolderTransport(config["MAIL_FOLDER"])
