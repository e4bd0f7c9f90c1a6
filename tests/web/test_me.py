"""我的: 需要您办理, messages, notification settings, companies; sign-up; the outbox;
where each role lands after signing in; the guide resuming a draft."""

from __future__ import annotations

import pytest
from django.test import Client

from onevisit.accounts.models import Authorisation
from onevisit.applications.models import ApplicationDraft
from onevisit.notifications.constants import NotifyEvent
from onevisit.notifications.models import Notification, OptOut, OutboxMessage
from onevisit.notifications.services import notification_send
from tests.conftest import PDF
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CORRECTION = {"entries": [{"key": "upload:330106-ZJ-009:drawings",
                           "problem": "缺少第3页审查意见"}]}


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_correction_waits_for_the_citizen_on_her_pages(world, api,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        body = api["citizen"].post("/applications", world.licence_payload()).json()
        api["reviewer:xh-zjj"].decide(body["cases"][0]["id"], "corrections", CORRECTION)
    citizen = _browser(world.citizen)

    mine = citizen.get("/me/").content.decode()
    assert "需要您办理" in mine
    assert "补正材料" in mine
    assert "1 件需要您办理" in mine  # the header's count
    detail = citizen.get(f"/me/applications/{body['number']}/").content.decode()
    assert "需要您办理" in detail
    messages = citizen.get("/me/messages/").content.decode()
    assert "请补正材料" in messages
    assert "缺少第3页审查意见" in messages
    assert not Notification.objects.filter(channel="site", read_at__isnull=True).exists()


def test_nothing_waits_when_the_departments_are_working(world, api):
    api["citizen"].post("/applications", world.licence_payload())

    assert "需要您办理" not in _browser(world.citizen).get("/me/").content.decode()


def test_the_citizen_opts_out_of_sms_per_event(world, django_capture_on_commit_callbacks):
    citizen = _browser(world.citizen)
    page = citizen.get("/me/notifications/").content.decode()
    assert 'value="sms:correction" id="keep-sms:correction" checked' in page
    assert 'value="site:' not in page  # the in-site message cannot be switched off

    keep = [f"{c}:{e}" for c in ("sms", "email") for e in NotifyEvent.values
            if f"{c}:{e}" != "sms:correction"]
    assert citizen.post("/me/notifications/", {"keep": keep}).status_code == 302

    assert set(OptOut.objects.values_list("channel", "event")) == {("sms", "correction")}
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(event="correction", key="GZ9", user=world.citizen,
                          phone="13900000001", context={})
    assert not OutboxMessage.objects.exists()
    assert Notification.objects.get(channel="site").status == "sent"


def test_the_outbox_is_for_staff(world):
    OutboxMessage.objects.create(channel="sms", to="+8613900000001", body="您的验证码",
                                 created_at="2026-11-18T10:00:00+08:00")

    assert _browser(world.citizen).get("/outbox/").status_code == 403
    assert _browser(world.supervisor).get("/outbox/").status_code == 403  # every region's
    operator = UserFactory(username="operator", is_staff=True)
    assert "您的验证码" in _browser(operator).get("/outbox/").content.decode()


def test_the_company_page_binds_and_refuses_clearly(world):
    citizen = _browser(world.citizen)
    assert "以法定代表人身份绑定企业" in citizen.get("/me/companies/").content.decode()

    response = citizen.post("/me/companies/bind/", {"uscc": "not-a-code"}, follow=True)

    assert "统一社会信用代码有误" in response.content.decode()
    assert not Authorisation.objects.exists()


def test_the_sign_up_page_sends_a_code_and_shows_every_problem(world):
    anonymous = Client()
    assert anonymous.get("/register/").status_code == 200

    sent = anonymous.post("/register/", {"action": "code", "phone": "13900001111"})
    assert sent.status_code == 200
    assert OutboxMessage.objects.get().to == "+8613900001111"
    refused = anonymous.post("/register/", {"action": "register", "phone": "13900001111",
                                            "code": "12", "name": "李", "id_number": "1",
                                            "password": "x"})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "姓名应为2至64个字符" in page
    assert 'value="13900001111"' in page


@pytest.mark.parametrize(("role", "landing"), [
    ("clerk", "/hall/intake/"), ("agent", "/hotline/"), ("dispatcher", "/hotline/"),
    ("reviewer", "/workbench/"), ("supervisor", "/dashboard/alerts/"), ("citizen", "/"),
])
def test_each_role_lands_on_its_own_workbench(db, role, landing):
    UserFactory(username="someone", role=role)

    response = Client().post("/accounts/login/", {"username": "someone",
                                                  "password": "correct horse battery"})

    assert response["Location"] == landing


def test_a_safe_next_still_wins_and_an_unsafe_one_does_not(db):
    UserFactory(username="clerk1", role="clerk")
    form = {"username": "clerk1", "password": "correct horse battery"}

    assert Client().post("/accounts/login/", {**form, "next": "/hall/parcels/"}
                         )["Location"] == "/hall/parcels/"
    assert Client().post("/accounts/login/", {**form, "next": "https://evil.example/"}
                         )["Location"] == "/hall/intake/"


def test_the_guides_apply_button_resumes_the_draft(world):
    citizen = _browser(world.citizen)
    citizen.post("/apply/items/330106-ZJ-009/", {
        "action": "save", "applicant_kind": "person", "applicant_name": "王小明",
        "applicant_id_number": world.citizen_id, "f:phone": "13812345678",
        "m:upload:330106-ZJ-009:drawings": _pdf()})
    draft = ApplicationDraft.objects.get()

    again = citizen.get("/apply/items/330106-ZJ-009/")

    assert again.status_code == 302
    assert again["Location"] == f"/apply/items/330106-ZJ-009/?draft={draft.pk}"
    assert citizen.get("/apply/life-events/house/").status_code == 200  # another subject


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("图纸.pdf", PDF)
