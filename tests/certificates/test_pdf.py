"""PDFs set their Chinese text in an embedded CJK font; a missing font stops start-up."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from onevisit import pdf
from onevisit.certificates.models import Certificate

pytestmark = pytest.mark.django_db


def _text_and_fonts(content: bytes, tmp_path: Path) -> tuple[str, str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout
    return text, fonts


def _embedded_cjk(fonts: str) -> bool:
    rows = [line.split() for line in fonts.splitlines()[2:]]
    # pdffonts columns: name type encoding emb sub uni object ID; "emb" is "yes".
    return any("CJK" in row[0] and "yes" in row[-5:-2] for row in rows)


def _complete(world, api) -> str:
    body = api["citizen"].post("/applications", world.house_payload()).json()
    for stage, role in (("filing", "xh-zjj"), ("tax", "xh-sw"), ("transfer", "xh-bdc")):
        case = next(c["id"] for c in body["cases"] if c["stage_key"] == stage)
        api[f"reviewer:{role}"].decide(case)
    return body["number"]


def test_the_receipt_has_real_chinese_text_in_an_embedded_font(world, api, tmp_path):
    number = api["citizen"].post("/applications", world.house_payload()).json()["number"]

    response = api["citizen"].client.get(f"/api/v1/applications/{number}/receipt.pdf")

    assert response.status_code == 200
    text, fonts = _text_and_fonts(response.content, tmp_path)
    assert "受理回执" in text
    assert "二手房交易登记一件事" in text
    assert "西湖区不动产登记中心" in text
    assert _embedded_cjk(fonts), fonts


def test_the_result_certificate_downloads_and_counts_as_delivered(world, api, tmp_path):
    payload = world.house_payload(delivery={"method": "download"})
    body = api["citizen"].post("/applications", payload).json()
    for stage, role in (("filing", "xh-zjj"), ("tax", "xh-sw"), ("transfer", "xh-bdc")):
        case = next(c["id"] for c in body["cases"] if c["stage_key"] == stage)
        api[f"reviewer:{role}"].decide(case)
    certificate = Certificate.objects.get()

    response = api["citizen"].client.get(
        f"/api/v1/applications/{body['number']}/certificates/{certificate.number}.pdf"
    )

    text, fonts = _text_and_fonts(response.content, tmp_path)
    assert "不动产权证书" in text
    assert certificate.verification_code in text
    assert _embedded_cjk(fonts)
    detail = api["citizen"].get(f"/applications/{body['number']}").json()
    assert detail["delivery"]["status"] == "delivered"


def test_someone_elses_receipt_is_not_found(world, api):
    number = api["citizen"].post("/applications", world.house_payload()).json()["number"]
    from tests.conftest import Api
    from tests.factories import UserFactory

    stranger = Api(UserFactory(username="stranger", id_number="110105194912310029"))

    response = stranger.client.get(f"/api/v1/applications/{number}/receipt.pdf")

    assert response.status_code == 404


def test_a_missing_font_is_a_clear_error(settings, tmp_path):
    pdf.cjk_font.cache_clear()
    settings.ONEVISIT = {**settings.ONEVISIT, "CJK_FONT": str(tmp_path / "nope.ttf")}
    try:
        with pytest.raises(ImproperlyConfigured, match="fonts-noto-cjk"):
            pdf.cjk_font()
    finally:
        pdf.cjk_font.cache_clear()


def test_no_system_cjk_font_is_a_clear_error(monkeypatch):
    pdf.cjk_font.cache_clear()
    monkeypatch.setattr(shutil, "which", lambda name: "/bin/true")
    try:
        with pytest.raises(ImproperlyConfigured, match="no font covering Chinese"):
            pdf.cjk_font()
    finally:
        pdf.cjk_font.cache_clear()


def test_the_one_time_notice_lists_every_missing_material_in_text(world, api, tmp_path):
    payload = world.house_payload(materials=[])
    number = api["citizen"].post("/applications", payload).json()["number"]
    notice = api["citizen"].get(f"/applications/{number}").json()["notices"][0]["number"]

    response = api["citizen"].client.get(f"/api/v1/applications/{number}/notices/{notice}.pdf")

    text, fonts = _text_and_fonts(response.content, tmp_path)
    assert "一次性告知书" in text
    for material in ("存量房买卖合同", "契税纳税申报表", "不动产登记申请书"):
        assert material in text
    assert _embedded_cjk(fonts)
