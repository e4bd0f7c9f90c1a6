from __future__ import annotations

from django_tasks import task

from onevisit.hotline.dispatch import dispatch_train_from_history
from onevisit.hotline.services.handling import ticket_reply_deliver


@task()
def reply_send(number: str) -> int:
    """Send a closed ticket's reply to its callers; returns how many messages went out."""
    return ticket_reply_deliver(number=number)


@task()
def dispatch_learn() -> int:
    """For a scheduler to enqueue, e.g. nightly: learn dispatch from the handled tickets,
    the dispatchers' corrections and the departments' returns included. Returns the new
    model's id, or 0 while there are too few handled tickets."""
    stored = dispatch_train_from_history()
    return stored.pk if stored is not None else 0
