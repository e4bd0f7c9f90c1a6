from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from onevisit.notifications.constants import NotifyChannel
from onevisit.notifications.models import Notification, OptOut, OutboxMessage


def notifications_of(*, user: Any) -> QuerySet[Notification]:
    """Everything the platform told the person, by every channel, newest first."""
    return Notification.objects.filter(user=user)


def messages_unread_count(*, user: Any) -> int:
    return Notification.objects.filter(user=user, channel=NotifyChannel.SITE,
                                       read_at__isnull=True).count()


def opt_outs_of(*, user: Any) -> set[tuple[str, str]]:
    return set(OptOut.objects.filter(user=user).values_list("channel", "event"))


def outbox_recent(*, limit: int = 200) -> QuerySet[OutboxMessage]:
    """The SMS and e-mails the built-in senders kept instead of sending, newest first."""
    return OutboxMessage.objects.all()[:limit]
