"""Telling people what happened (通知): each event once per recipient and channel,
recorded in the event's own transaction and sent after it commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import structlog
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.services import phone_code_issue, rate_limit_hit
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import DomainError, InvalidInput, TooManyRequests
from onevisit.notifications.constants import (
    OPTIONAL_CHANNELS,
    RETRY_DELAYS_MINUTES,
    NotifyChannel,
    NotifyEvent,
    NotifyStatus,
)
from onevisit.notifications.models import Notification, OptOut
from onevisit.notifications.senders import SendFailed, sms_sender
from onevisit.notifications.texts import wording_render

log = structlog.get_logger(__name__)

# A message still pending this long after its event was lost between the commit and the
# sending (the process stopped); the retry task sends it.
LOST_AFTER = dt.timedelta(minutes=1)


def _wanted(user: Any, phone: str, email: str) -> list[tuple[str, str]]:
    """(channel, recipient) for every way this recipient can be told."""
    targets: list[tuple[str, str]] = []
    if getattr(user, "pk", None):
        targets.append((NotifyChannel.SITE, f"user:{user.pk}"))
    phone = phone or str(getattr(user, "phone", "") or "")
    if phone:
        targets.append((NotifyChannel.SMS, phone))
    email = email or str(getattr(user, "email", "") or "")
    if email:
        targets.append((NotifyChannel.EMAIL, email))
    return targets


def notification_send(
    *, event: str, key: str, context: Mapping[str, Any], user: Any = None, phone: str = "",
    email: str = "", link: str = "",
) -> list[Notification]:
    """Tell a person about an event: an in-site message to her account, an SMS to the
    phone and an e-mail to the address (hers unless given), except the channels she opted
    out of. Recorded in the caller's transaction and sent after it commits, so a change
    rolled back tells nobody. `key` names the event (a notice's number, an application's
    number): the same event is told to the same recipient by the same channel once — a
    second call is a no-op. Returns the messages recorded by this call."""
    if event not in NotifyEvent.values:
        raise ValueError(f"unknown notification event {event!r}")
    now = clock.now()
    opted_out = set(OptOut.objects.filter(user_id=getattr(user, "pk", None) or 0, event=event)
                    .values_list("channel", flat=True))
    wanted = []
    for channel, recipient in _wanted(user, phone, email):
        if channel == NotifyChannel.SITE:
            status, sent_at = NotifyStatus.SENT, now
        elif channel in opted_out:
            status, sent_at = NotifyStatus.OPTED_OUT, None
        else:
            status, sent_at = NotifyStatus.PENDING, None
        wanted.append(Notification(
            event=event, key=key[:120], channel=channel, recipient=recipient[:254],
            user=user if getattr(user, "pk", None) else None, context=dict(context),
            link=link[:200], status=status, created_at=now, sent_at=sent_at))
    created = _record(wanted)
    pending = [n.pk for n in created if n.status == NotifyStatus.PENDING]
    if pending:
        transaction.on_commit(lambda: notifications_deliver(ids=pending), robust=True)
    return created


def _record(wanted: list[Notification]) -> list[Notification]:
    """Insert the messages not told already: all in one statement when none was (the usual
    case), else one by one, skipping those told."""
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(wanted)
    except IntegrityError:
        pass
    created = []
    for notification in wanted:
        try:
            with transaction.atomic():
                notification.save(force_insert=True)
        except IntegrityError:
            continue  # told already
        created.append(notification)
    return created


def _deliver(notification: Notification) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject, text = wording_render(event=notification.event, context=notification.context)
    if notification.channel == NotifyChannel.SMS:
        sms_sender().send(phone=notification.recipient, text=text)
    elif notification.channel == NotifyChannel.EMAIL:
        EmailMessage(subject=subject, body=text, to=[notification.recipient]).send()


def notifications_deliver(*, ids: Iterable[int]) -> int:
    """Send the pending or failed messages named; each is locked while it is sent, so two
    workers never send one twice. A failure is recorded and tried again later
    (`notifications_retry`) until the retries are used up. Returns how many went out."""
    sent = 0
    for pk in ids:
        with transaction.atomic():
            notification = (Notification.objects.select_for_update()
                            .filter(pk=pk, status__in=(NotifyStatus.PENDING, NotifyStatus.FAILED))
                            .first())
            if notification is None:
                continue
            now = clock.now()
            notification.attempts += 1
            try:
                _deliver(notification)
            except (SendFailed, OSError) as error:
                notification.last_error = str(error)[:255]
                if notification.attempts > len(RETRY_DELAYS_MINUTES):
                    notification.status, notification.next_attempt_at = NotifyStatus.GAVE_UP, None
                else:
                    notification.status = NotifyStatus.FAILED
                    notification.next_attempt_at = now + dt.timedelta(
                        minutes=RETRY_DELAYS_MINUTES[notification.attempts - 1])
                log.warning("notification_failed", id=pk, channel=notification.channel,
                            attempts=notification.attempts, error=notification.last_error)
            else:
                notification.status, notification.sent_at = NotifyStatus.SENT, now
                notification.next_attempt_at = None
                sent += 1
            notification.save(update_fields=["status", "attempts", "last_error",
                                              "next_attempt_at", "sent_at"])
    return sent


def notifications_retry(*, limit: int = 500) -> int:
    """Send again the messages whose retry time has come, and those left pending by a
    process that stopped between the commit and the sending. Returns how many went out."""
    now = clock.now()
    due = (Notification.objects
           .filter(Q(status=NotifyStatus.FAILED, next_attempt_at__lte=now)
                   | Q(status=NotifyStatus.PENDING, created_at__lte=now - LOST_AFTER))
           .order_by("created_at", "id").values_list("pk", flat=True)[:limit])
    return notifications_deliver(ids=list(due))


@atomic_audited
def opt_outs_set(*, user: Any, opted_out: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The citizen's choice: the (channel, event) pairs she does not want by SMS or
    e-mail. The in-site message cannot be switched off: it is where the one-time notice
    and the results wait for her. Replaces her earlier choice."""
    wanted = set(opted_out)
    errors = {f"{channel}:{event}": _("不能退订该通知")
              for channel, event in wanted
              if channel not in OPTIONAL_CHANNELS or event not in NotifyEvent.values}
    if errors:
        raise InvalidInput(_("退订设置有误"), errors)
    current = {(o.channel, o.event): o.pk for o in OptOut.objects.filter(user=user)}
    OptOut.objects.filter(pk__in=[pk for pair, pk in current.items() if pair not in wanted]
                          ).delete()
    OptOut.objects.bulk_create([OptOut(user=user, channel=channel, event=event)
                                for channel, event in wanted - set(current)])
    audit_record(actor=user, action="notifications.opt_outs_set", entity="user",
                 entity_id=user.pk, data={"opted_out": sorted(f"{c}:{e}" for c, e in wanted)})
    return wanted


def messages_mark_read(*, user: Any) -> int:
    """The citizen read her in-site messages."""
    return Notification.objects.filter(user=user, channel=NotifyChannel.SITE,
                                       read_at__isnull=True).update(read_at=clock.now())


def phone_code_send(*, phone: str, address: str) -> None:
    """Send a sign-up verification code by SMS through the sender plugin, rate-limited
    per address and per phone number (the `phone_code` rate of ONEVISIT_RATE_LIMITS)."""
    if (rate_limit_hit(scope="phone_code", address=address)
            or rate_limit_hit(scope="phone_code", address=f"phone:{phone}")):
        raise TooManyRequests(_("验证码发送过于频繁，请稍后再试"))
    with transaction.atomic():
        issued = phone_code_issue(phone=phone)
    with translation.override(settings.LANGUAGE_CODE):
        text = _("【%(site)s】您的注册验证码是 %(code)s，%(minutes)d 分钟内有效。"
                 "请勿告诉他人。") % {"site": settings.ONEVISIT["SITE_NAME"],
                                    "code": issued.code, "minutes": issued.minutes}
    try:
        sms_sender().send(phone=issued.phone, text=text)
    except (SendFailed, OSError) as error:
        log.warning("phone_code_not_sent", error=str(error))
        raise DomainError(_("短信发送失败，请稍后再试")) from error
