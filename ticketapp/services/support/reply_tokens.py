"""Signed reply tokens: our support mails carry `REFERENCE.SIGNATURE` in their Message-ID, so an
answer quoting it (In-Reply-To / References) provably replies to a thread we sent. `From:` alone
proves nothing: anyone can write any address there.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from email.message import EmailMessage

from ticketapp.services.support.tickets import REFERENCE_RE
from ticketapp.settings import get_settings

SIGNATURE_HEX = 20
TOKEN_RE = re.compile(rf"({REFERENCE_RE.pattern[2:-2]})\.([0-9a-f]{{{SIGNATURE_HEX}}})@", re.IGNORECASE)
REPLY_HEADERS = ("In-Reply-To", "References")


def _signature(reference: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"support-reply:{reference}".encode(), hashlib.sha256).hexdigest()[:SIGNATURE_HEX]


def reply_token(reference: str) -> str:
    """What goes into the Message-ID of a mail we send on ticket `reference`."""
    return f"{reference}.{_signature(reference)}"


def signed_reply_reference(message: EmailMessage) -> str | None:
    """The ticket reference this mail provably answers (a valid token in its reply headers), else None."""
    for header in REPLY_HEADERS:
        for found in TOKEN_RE.finditer(str(message.get(header, ""))):
            reference, signature = found.group(1).upper(), found.group(2).lower()
            if hmac.compare_digest(signature, _signature(reference)):
                return reference
    return None
