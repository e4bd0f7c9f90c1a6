"""Sending the reply to the caller when a ticket closes (答复来电人).

Senders are plugins (STYLE §5): an SMS gateway, e-mail, the citizen's portal. The built-in
`outbox` sender writes each message as a JSON line to `<data dir>/outbox/replies.jsonl`,
where a local SMS gateway or an operator picks them up; production registers its gateway.
Sending runs as a task after the closing commits, and is recorded in the ticket's history.
"""

from __future__ import annotations

import fcntl
import json
from abc import ABC, abstractmethod
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.hotline.models import Ticket


class ReplySender(ABC):
    code: str

    @abstractmethod
    def send(self, *, ticket_number: str, phone: str, text: str) -> None:
        """Deliver the text to the phone number, or raise."""


class Outbox(ReplySender):
    code = "outbox"

    def send(self, *, ticket_number: str, phone: str, text: str) -> None:
        path = Path(settings.DATA_DIR) / "outbox" / "replies.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"at": clock.now().isoformat(), "ticket": ticket_number,
                           "phone": phone, "text": text}, ensure_ascii=False)
        with path.open("a", encoding="utf-8") as out:
            fcntl.flock(out, fcntl.LOCK_EX)
            out.write(line + "\n")


SENDERS: dict[str, ReplySender] = {}


def sender_register(sender: ReplySender) -> None:
    SENDERS[sender.code] = sender


def sender() -> ReplySender:
    return SENDERS[str(settings.ONEVISIT.get("HOTLINE_REPLY_SENDER", Outbox.code))]


sender_register(Outbox())


def reply_text(ticket: Ticket) -> str:
    return _("【12345】您反映的事项（工单号 %(number)s）已办结。答复：%(reply)s") % {
        "number": ticket.number, "reply": ticket.reply}


def reply_send_later(ticket: Ticket) -> None:
    """After the closing commits, send the reply to the ticket's caller and to every caller
    whose ticket was merged into it."""
    from onevisit.hotline.tasks import reply_send

    number = ticket.number
    transaction.on_commit(lambda: reply_send.enqueue(number))
