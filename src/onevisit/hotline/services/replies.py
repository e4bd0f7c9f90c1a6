"""Sending the reply to the caller when a ticket closes (答复来电人).

The reply goes through `notifications` (SMS through the sender plugin, and an in-site
message to the caller's account); sending runs as a task after the closing commits, and
is recorded in the ticket's history.
"""

from __future__ import annotations

from django.db import transaction

from onevisit.hotline.models import Ticket


def reply_send_later(ticket: Ticket) -> None:
    """After the closing commits, send the reply to the ticket's caller and to every caller
    whose ticket was merged into it."""
    from onevisit.hotline.tasks import reply_send

    number = ticket.number
    transaction.on_commit(lambda: reply_send.enqueue(number))
