from __future__ import annotations

from django_tasks import task

from onevisit.hotline.services.handling import ticket_reply_deliver


@task()
def reply_send(number: str) -> int:
    """Send a closed ticket's reply to its callers; returns how many messages went out."""
    return ticket_reply_deliver(number=number)
