"""Anonymous endpoints that create things are limited per address: the kiosk's numbers,
appointments, certificate checks by upload."""

from __future__ import annotations

import pytest
from django.test import Client

from onevisit import clock
from onevisit.accounts.models import RateCounter
from onevisit.hall.models import Appointment, QueueTicket
from tests.hall.conftest import MONDAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.ONEVISIT = {**settings.ONEVISIT,
                         "RATE_LIMITS": {"kiosk": "3/m", "appointment": "2/h", "verify": "2/m"}}
    with clock.frozen_at(at(MONDAY, 9, 30)):
        yield


def test_the_kiosk_issues_so_many_numbers_a_minute_to_one_address(hw):
    script = Client(REMOTE_ADDR="127.0.0.66")
    codes = [script.post("/hall/xihu/kiosk/issue/", {"category": hw.general.pk}).status_code
             for _ in range(4)]

    assert codes == [302, 302, 302, 429]
    assert QueueTicket.objects.count() == 3
    refused = script.post("/hall/xihu/kiosk/issue/", {"category": hw.general.pk})
    page = refused.content.decode()
    assert "请在 1 分钟内稍后再试" in page
    assert '<a href="/hall/xihu/kiosk/">' in page  # back to the kiosk, not the portal
    assert QueueTicket.objects.count() == 3
    # Another address is not held back, and the next minute the limit starts again.
    assert Client(REMOTE_ADDR="127.0.0.67").post(
        "/hall/xihu/kiosk/issue/", {"category": hw.general.pk}).status_code == 302
    with clock.frozen_at(at(MONDAY, 9, 31)):
        assert script.post("/hall/xihu/kiosk/issue/",
                           {"category": hw.general.pk}).status_code == 302
    assert QueueTicket.objects.count() == 5
    # Counters of past windows do not pile up.
    assert RateCounter.objects.filter(scope="kiosk").count() <= 3


def test_appointments_are_limited_per_address(hw):
    browser = Client(REMOTE_ADDR="127.0.0.70")
    form = {"category": hw.general.pk, "date": "2026-12-07", "applicant_name": "王小明",
            "id_number": hw.citizen_id, "phone": "13812345678"}
    codes = [browser.post("/hall/xihu/appointments/new/", form | {"slot": slot}).status_code
             for slot in ("10:00", "10:30", "11:00")]

    assert codes == [302, 302, 429]
    assert Appointment.objects.count() == 2


def test_certificate_checks_by_upload_are_limited_per_address(db):
    page = Client(REMOTE_ADDR="127.0.0.80")
    api = Client(REMOTE_ADDR="127.0.0.80")
    pdf = b"%PDF-1.4\n% not a certificate\n"

    first = page.post("/verify/", {"pdf": _file(pdf)})
    second = api.post("/api/v1/certificates/verify-pdf", {"pdf": _file(pdf)})
    third = api.post("/api/v1/certificates/verify-pdf", {"pdf": _file(pdf)})

    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    assert third.json()["message"] == "提交过于频繁，请稍后再试"


def _file(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("cert.pdf", content, content_type="application/pdf")
