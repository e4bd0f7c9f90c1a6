"""Notifications: each event told once per recipient and channel, after commit, with the
citizen's opt-outs; failed sends retried by the task."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from onevisit import clock
from onevisit.errors import InvalidInput
from onevisit.notifications.models import Notification, OptOut, OutboxMessage
from onevisit.notifications.senders import OutboxSms, SendFailed, _sms_sender
from onevisit.notifications.services import notification_send, opt_outs_set
from onevisit.notifications.tasks import notifications_retry

pytestmark = pytest.mark.django_db

CORRECTION = {"entries": [{"key": "upload:330106-ZJ-009:drawings",
                           "problem": "缺少第3页审查意见"}]}


def _rows(**filters: str) -> list[tuple[str, str, str]]:
    return sorted(Notification.objects.filter(**filters)
                  .values_list("event", "channel", "status"))


def test_acceptance_and_a_correction_tell_the_citizen_once_each(
        world, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        body = api["citizen"].post("/applications", world.licence_payload()).json()
        case_id = body["cases"][0]["id"]
        response = api["reviewer:xh-zjj"].decide(case_id, "corrections", CORRECTION)
    assert response.status_code == 201, response.json()
    notice = response.json()["number"]

    assert _rows(user=world.citizen) == [
        ("accepted", "site", "sent"), ("accepted", "sms", "sent"),
        ("correction", "site", "sent"), ("correction", "sms", "sent")]
    sms = OutboxMessage.objects.filter(channel="sms", body__contains=notice).get()
    assert sms.to == "+8613812345678"
    assert "缺少第3页审查意见" in sms.body
    assert body["number"] in sms.body
    message = Notification.objects.get(event="correction", channel="site")
    assert (message.key, message.link) == (notice, f"/me/applications/{body['number']}/")


def test_a_notification_sent_twice_is_sent_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_send(event="refused", key="OV1", user=world.citizen,
                                  phone="13900000001", context={"number": "OV1"})
        second = notification_send(event="refused", key="OV1", user=world.citizen,
                                   phone="13900000001", context={"number": "OV1"})

    assert (len(first), second) == (2, [])
    assert Notification.objects.count() == 2
    assert OutboxMessage.objects.count() == 1


def test_a_change_rolled_back_tells_nobody(world, django_capture_on_commit_callbacks):
    def event() -> None:
        with transaction.atomic():
            notification_send(event="accepted", key="OV2", user=world.citizen,
                              phone="13900000001", context={})
            raise RuntimeError("the event failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        event()

    assert Notification.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_opting_out_of_sms_keeps_the_in_site_message(world,
                                                     django_capture_on_commit_callbacks):
    opt_outs_set(user=world.citizen, opted_out={("sms", "correction")})

    with django_capture_on_commit_callbacks(execute=True):
        notification_send(event="correction", key="GZ1", user=world.citizen,
                          phone="13900000001", context={"notice": "GZ1"})
        notification_send(event="accepted", key="OV3", user=world.citizen,
                          phone="13900000001", context={})

    assert _rows(key="GZ1") == [("correction", "site", "sent"),
                                ("correction", "sms", "opted_out")]
    assert _rows(key="OV3") == [("accepted", "site", "sent"), ("accepted", "sms", "sent")]
    assert OutboxMessage.objects.count() == 1


def test_the_in_site_message_cannot_be_switched_off(world):
    opt_outs_set(user=world.citizen, opted_out={("email", "accepted")})

    with pytest.raises(InvalidInput) as refused:
        opt_outs_set(user=world.citizen, opted_out={("site", "correction"), ("sms", "nope")})

    assert set(refused.value.errors) == {"site:correction", "sms:nope"}
    assert set(OptOut.objects.values_list("channel", "event")) == {("email", "accepted")}


class Down(OutboxSms):
    def send(self, *, phone: str, text: str) -> None:
        raise SendFailed("gateway down")


def test_a_failed_send_is_retried_by_the_task_until_it_goes_out(
        world, settings, django_capture_on_commit_callbacks):
    _sms_sender.cache_clear()
    settings.ONEVISIT = {**settings.ONEVISIT, "SMS_SENDER": f"{__name__}.Down"}
    start = dt.datetime(2026, 11, 18, 2, tzinfo=dt.UTC)
    with clock.frozen_at(start), django_capture_on_commit_callbacks(execute=True):
        notification_send(event="result_ready", key="OV4", user=None,
                          phone="13900000001", context={})
    failed = Notification.objects.get()
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 1, "gateway down")
    assert failed.next_attempt_at == start + dt.timedelta(minutes=1)

    settings.ONEVISIT = {**settings.ONEVISIT,
                         "SMS_SENDER": "onevisit.notifications.senders.OutboxSms"}
    with clock.frozen_at(start + dt.timedelta(seconds=30)):
        assert notifications_retry.call() == 0  # not yet due
    with clock.frozen_at(start + dt.timedelta(minutes=2)):
        assert notifications_retry.call() == 1
        assert notifications_retry.call() == 0  # never twice

    sent = Notification.objects.get()
    assert (sent.status, sent.attempts) == ("sent", 2)
    assert OutboxMessage.objects.count() == 1
    _sms_sender.cache_clear()


def test_a_message_that_keeps_failing_is_given_up(world, settings,
                                                  django_capture_on_commit_callbacks):
    _sms_sender.cache_clear()
    settings.ONEVISIT = {**settings.ONEVISIT, "SMS_SENDER": f"{__name__}.Down"}
    moment = dt.datetime(2026, 11, 18, 2, tzinfo=dt.UTC)
    with clock.frozen_at(moment), django_capture_on_commit_callbacks(execute=True):
        notification_send(event="delivered", key="OV5", user=None, phone="13900000001",
                          context={})
    for _ in range(5):
        moment += dt.timedelta(hours=5)
        with clock.frozen_at(moment):
            notifications_retry.call()

    given_up = Notification.objects.get()
    assert (given_up.status, given_up.attempts, given_up.next_attempt_at) == ("gave_up", 6, None)
    _sms_sender.cache_clear()


def test_e_mail_goes_through_djangos_mail_backend(world, mailoutbox,
                                                   django_capture_on_commit_callbacks):
    world.citizen.email = "wang@example.cn"
    world.citizen.save()
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(event="hotline_reply", key="T1", user=world.citizen,
                          context={"number": "12345-1", "reply": "已修复。"})

    assert [(m.to, m.subject) for m in mailoutbox] == [(["wang@example.cn"], "12345 工单答复")]
    assert "已修复。" in mailoutbox[0].body
