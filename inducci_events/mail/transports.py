"""Where messages go: a real SMTP server, or ``.eml`` files in a folder (demo mode)."""
import os
import smtplib
import ssl
from pathlib import Path


class TransportError(Exception):
    """The transport could not take the message now; it will be retried."""


class SMTPTransport:
    """One SMTP connection for a batch of messages (``with transport: transport.send(msg)``)."""

    def __init__(self, host, port=25, *, use_tls=False, use_ssl=False, username=None, password=None, timeout=10):
        self.host, self.port = host, port
        self.use_tls, self.use_ssl = use_tls, use_ssl
        self.username, self.password = username, password
        self.timeout = timeout
        self._smtp = None

    def __enter__(self):
        try:
            if self.use_ssl:
                self._smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                              context=ssl.create_default_context())
            else:
                self._smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.use_tls:
                    self._smtp.starttls(context=ssl.create_default_context())
            if self.username:
                self._smtp.login(self.username, self.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            self._smtp = None
            raise TransportError(f"cannot reach SMTP server {self.host}:{self.port}: {exc}") from exc
        return self

    def __exit__(self, *exc_info):
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._smtp = None

    def send(self, message):
        try:
            self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure(str(exc)) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportError(str(exc)) from exc


class PermanentFailure(Exception):
    """The server refused the message for good (e.g. an unknown recipient)."""


class FolderTransport:
    """Writes each message as ``<id>-<kind>.eml`` into a folder (the demo's mailbox)."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def __enter__(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc_info):
        return None

    def send(self, message):
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
        )
    return FolderTransport(config["MAIL_FOLDER"])
