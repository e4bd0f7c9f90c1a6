"""Sender plugins (STYLE.md §5). SMS goes through the class named by
ONEVISIT_SMS_SENDER; e-mail through Django's mail backend (EMAIL_BACKEND). The built-in
SMS sender, and the built-in mail backend, keep each message in the outbox table instead
of sending it: the demo and a pilot read them on /outbox/. A gateway plugs in by
subclassing `SmsSender` and naming the class in the setting."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import cache

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.module_loading import import_string

from onevisit import clock
from onevisit.notifications.constants import NotifyChannel
from onevisit.notifications.models import OutboxMessage


class SendFailed(RuntimeError):
    """The gateway did not take the message; it is tried again later."""


class SmsSender(ABC):
    @abstractmethod
    def send(self, *, phone: str, text: str) -> None:
        """Hand the text to the gateway for the phone number, or raise SendFailed."""


class OutboxSms(SmsSender):
    """Keeps each SMS in the outbox table."""

    def send(self, *, phone: str, text: str) -> None:
        OutboxMessage.objects.create(channel=NotifyChannel.SMS, to=phone, body=text,
                                     created_at=clock.now())


@cache
def _sms_sender(path: str) -> SmsSender:
    sender = import_string(path)()
    if not isinstance(sender, SmsSender):
        raise TypeError(f"{path} is not an SmsSender")
    return sender


def sms_sender() -> SmsSender:
    return _sms_sender(str(settings.ONEVISIT["SMS_SENDER"]))


class OutboxEmailBackend(BaseEmailBackend):
    """A Django mail backend that keeps each e-mail in the outbox table."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        now = clock.now()
        OutboxMessage.objects.bulk_create([
            OutboxMessage(channel=NotifyChannel.EMAIL, to=", ".join(message.to),
                          subject=str(message.subject)[:200], body=str(message.body),
                          created_at=now)
            for message in email_messages
        ])
        return len(email_messages)
