"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller

LINK_PATTERN = re.compile(r"https?://[^\s<>\"]+")


@dataclass
class ReceivedMail:
    to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part else ""

    def links(self) -> list[str]:
        return LINK_PATTERN.findall(self.text)


@dataclass
class MailSink:
    host: str
    port: int
    received: list[ReceivedMail] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802  (aiosmtpd hook name)
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        with self.lock:
            self.received.append(ReceivedMail([str(r).lower() for r in envelope.rcpt_tos], message))
        return "250 OK"

    def mails_to(self, address: str) -> list[ReceivedMail]:
        with self.lock:
            return [m for m in self.received if address.lower() in m.to]

    def wait_for(self, address: str, subject_part: str = "", count: int = 1, timeout: float = 15) -> ReceivedMail:
        """The newest mail to `address` (whose subject contains `subject_part`) once `count` have arrived."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.mails_to(address) if subject_part in m.subject]
            if len(found) >= count:
                return found[-1]
            if time.monotonic() > deadline:
                subjects = [m.subject for m in self.mails_to(address)]
                raise AssertionError(f"no mail {subject_part!r} to {address} (got {subjects})")
            time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_mail_sink() -> tuple[MailSink, Controller]:
    sink = MailSink("127.0.0.1", _free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    return sink, controller
