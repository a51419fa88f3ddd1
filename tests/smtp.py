"""A real SMTP server on loopback for the mail tests (aiosmtpd), on a port the system picks.

:class:`Mailbox` keeps what arrived (one :class:`Delivered` per accepted message, parsed); set ``refuse`` to an
SMTP answer ("451 4.3.0 Try again later") to make it refuse messages at ``refuse_at`` ("RCPT" or "DATA").
"""

from __future__ import annotations

import contextlib
import dataclasses
import email
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller


@dataclasses.dataclass(frozen=True)
class Delivered:
    sender: str
    recipients: list[str]
    message: EmailMessage

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None and body.get_content_type() == f"text/{subtype}", self.message
        return str(body.get_content())  # type: ignore[attr-defined]


class Mailbox:
    def __init__(self) -> None:
        self.delivered: list[Delivered] = []
        self.refuse: str | None = None
        self.refuse_at = "DATA"
        self.lock = threading.Lock()
        self.port = 0

    async def handle_RCPT(self, _server: Any, _session: Any, envelope: Any, address: str, _options: Any) -> str:
        if self.refuse and self.refuse_at == "RCPT":
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        if self.refuse and self.refuse_at == "DATA":
            return self.refuse
        parsed = email.message_from_bytes(envelope.original_content, policy=default)
        with self.lock:
            self.delivered.append(Delivered(envelope.mail_from, list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Delivered]:
        return [d for d in self.delivered if address in d.recipients]


class LoopbackController(Controller):
    """aiosmtpd's controller on 127.0.0.1, port 0: the port the system gave is read back before use."""

    def __init__(self, handler: Mailbox) -> None:
        super().__init__(handler, hostname="127.0.0.1", port=0)

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@contextlib.contextmanager
def running_mailbox() -> Iterator[Mailbox]:
    """A :class:`Mailbox` served on loopback for the block; its ``port`` is set."""
    box = Mailbox()
    controller = LoopbackController(box)
    controller.start()
    box.port = controller.port
    try:
        yield box
    finally:
        controller.stop()


def smtp_settings(box: Mailbox) -> dict[str, Any]:
    """The application settings that deliver to ``box``."""
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": box.port, "SMTP_SECURITY": "none"}
