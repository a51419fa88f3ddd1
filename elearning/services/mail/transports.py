"""How a message leaves: SMTP (``SMTP_HOST`` set), or the log (outside production, without SMTP).

A transport is opened once per flush (one SMTP connection for every message of it) and raises
:class:`DeliveryError` with a short reason, never a password, when a message is not accepted.
"""

from __future__ import annotations

import dataclasses
import logging
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from types import TracebackType
from typing import Any, Protocol

from elearning import clock

#: Seconds an SMTP connection or command may take.
SMTP_TIMEOUT_SECONDS = 30


class DeliveryError(Exception):
    """A message was not accepted; the text is short and safe to store and show to an Admin."""


@dataclasses.dataclass(frozen=True)
class Outgoing:
    """What a transport needs of a claimed message."""

    id: int
    address: str
    language: str
    subject: str
    text: str
    html: str


class Transport(Protocol):
    def __enter__(self) -> Transport: ...

    def __exit__(
        self, _type: type[BaseException] | None, _exc: BaseException | None, _tb: TracebackType | None
    ) -> None: ...

    def send(self, message: Outgoing) -> None: ...


def build_email(message: Outgoing, sender: str) -> EmailMessage:
    """A text/plain part and its text/html alternative, in the recipient's language."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(clock.now())
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}", domain=domain)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    email["Content-Language"] = message.language  # (after the parts: setting them clears Content-* headers)
    return email


def _text(answer: bytes | str) -> str:
    return answer.decode(errors="replace") if isinstance(answer, bytes) else answer


def _reason(exc: BaseException, secret: str) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, answer = next(iter(exc.recipients.values()), (0, b""))
        text = f"recipient refused: {code} {_text(answer)}"
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = f"{type(exc).__name__}: {exc.smtp_code} {_text(exc.smtp_error)}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    text = " ".join(text.split())
    if secret:
        text = text.replace(secret, "***")
    return text[:300]


class SMTPTransport:
    """Delivery through the SMTP server of the settings: STARTTLS, TLS or plain, login when a user is set."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.host: str = config["SMTP_HOST"]
        self.port: int = config["SMTP_PORT"]
        self.security: str = config["SMTP_SECURITY"]
        self.user: str = config["SMTP_USER"]
        self.password: str = config["SMTP_PASSWORD"]
        self.sender: str = config["MAIL_FROM"]
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> SMTPTransport:
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _exc: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self._close()

    def _close(self) -> None:
        if self.connection is None:
            return
        try:
            self.connection.quit()
        except (smtplib.SMTPException, OSError):
            self.connection.close()
        self.connection = None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        connection: smtplib.SMTP
        if self.security == "tls":
            connection = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
        try:
            if self.security == "starttls":
                connection.starttls(context=context)
            if self.user:
                connection.login(self.user, self.password)
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, message: Outgoing) -> None:
        try:
            if self.connection is None:
                self.connection = self._connect()
            self.connection.send_message(build_email(message, self.sender), to_addrs=[message.address])
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError) as exc:
            # The connection is gone (or never came): the next message opens a new one.
            if self.connection is not None:
                self.connection.close()
                self.connection = None
            raise DeliveryError(_reason(exc, self.password)) from None
        except smtplib.SMTPException as exc:
            raise DeliveryError(_reason(exc, self.password)) from None


class LogTransport:
    """No SMTP outside production: each message is written to the log (recipient, subject, text) and counts
    as sent."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        if self.logger.level == logging.NOTSET:
            self.logger.setLevel(logging.INFO)

    def __enter__(self) -> LogTransport:
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _exc: BaseException | None, _tb: TracebackType | None
    ) -> None:
        return None

    def send(self, message: Outgoing) -> None:
        self.logger.info(
            "mail %s to %s (%s): %s\n%s", message.id, message.address, message.language, message.subject, message.text
        )


def transport_for(config: Mapping[str, Any], app_logger: logging.Logger) -> Transport:
    """SMTP when ``SMTP_HOST`` is set, else the log (the settings refuse no SMTP in production)."""
    if config["SMTP_HOST"]:
        return SMTPTransport(config)
    return LogTransport(app_logger.getChild("mail"))
