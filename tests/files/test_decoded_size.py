"""Decompression bombs and files that cannot be opened, refused before anything is stored:
a PNG whose header claims 60000×60000 pixels and a PDF whose stream inflates to 500 MB,
each a few hundred kilobytes on the wire."""

from __future__ import annotations

import json
import zlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onevisit.applications.models import Application, ApplicationDraft, ApplicationMaterial
from onevisit.applications.services import Applicant, DeliveryChoice, Upload
from onevisit.applications.services.drafts import draft_save
from onevisit.applications.services.subjects import subject_resolve
from onevisit.errors import InvalidInput
from onevisit.files.checks import image_check, pdf_check
from onevisit.files.models import StoredFile
from tests.conftest import PDF, b64
from tests.files.builders import deflated_zeros, encrypted_pdf, image, pdf, pdf_bomb, png_header
from tests.files.media import media_files

pytestmark = pytest.mark.django_db

CONTRACT = "upload:330106-FW-001:sales-contract"
FORM = "upload:330106-SW-001:tax-form"
MB = 1024 * 1024
PNG_BOMB = png_header(60000, 60000)


def _nothing_stored() -> None:
    assert Application.objects.count() == 0
    assert StoredFile.objects.count() == 0
    assert media_files() == []


def test_the_bombs_are_small_on_the_wire():
    assert len(PNG_BOMB) < 1024
    assert len(pdf_bomb()) < 600 * 1024


BROKEN_PDF = b"%PDF-1.4\n% not a document, only its first line\n"
BROKEN_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def _stacked(count: int, each: int) -> bytes:
    return pdf(streams=tuple((b"/Filter/FlateDecode", deflated_zeros(each))
                             for _ in range(count)))


def _big_embedded_image() -> bytes:
    return pdf(streams=((b"/Subtype/Image/Width 60000/Height 60000/BitsPerComponent 8"
                         b"/ColorSpace/DeviceGray/Filter/DCTDecode", b"\xff\xd8\xff"),))


def _nested_flate() -> bytes:
    return pdf(streams=((b"/Filter[/FlateDecode/FlateDecode]",
                         zlib.compress(deflated_zeros(400 * MB), 9)),))


def _lzw() -> bytes:
    return pdf(streams=((b"/Filter/LZWDecode", b"\x80\x0b\x60\x50"),))


@pytest.mark.parametrize(("key", "build", "reason"), [
    (FORM, lambda: PNG_BOMB, "图片超过 50 百万像素的上限"),
    (CONTRACT, pdf_bomb, "PDF 中有数据流解压后超过 50 MB"),
    (CONTRACT, lambda: _stacked(5, 45 * MB), "PDF 解压后的数据合计超过 200 MB"),
    (CONTRACT, _big_embedded_image, "PDF 中的图片超过 50 百万像素的上限"),
    (CONTRACT, _nested_flate, "PDF 中有数据流解压后超过 50 MB"),
    (CONTRACT, _lzw, "PDF 使用了无法检查的压缩方式（LZWDecode）"),
    (CONTRACT, encrypted_pdf, "PDF 文件已加密，请上传未加密的文件"),
    (CONTRACT, lambda: BROKEN_PDF, "PDF 文件已损坏，无法读取"),
    (FORM, lambda: BROKEN_PNG, "图片文件已损坏，无法读取"),
], ids=["png-60000x60000", "pdf-500MB-stream", "pdf-5x45MB", "pdf-embedded-image",
        "pdf-nested-flate", "pdf-lzw", "pdf-encrypted", "pdf-broken", "png-broken"])
def test_a_filing_with_a_bomb_or_a_broken_file_is_refused_naming_the_material(
    world, api, key, build, reason
):
    payload = world.house_payload()
    for material in payload["materials"]:
        if material["key"] == key:
            material["content_base64"] = b64(build())

    response = api["citizen"].post("/applications", payload)

    assert response.status_code == 422
    assert response.json() == {"message": "上传文件无法接受", "errors": {key: reason}}
    _nothing_stored()


def test_the_refusal_comes_in_the_callers_language(world, api):
    payload = world.house_payload()
    payload["materials"][0]["content_base64"] = b64(pdf_bomb())

    response = api["citizen"].client.post(
        "/api/v1/applications", data=json.dumps(payload), content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 422
    assert response.json() == {
        "message": "The uploaded file cannot be accepted",
        "errors": {CONTRACT: "A stream in the PDF decompresses to more than 50 MB"},
    }


def test_files_just_within_the_limits_are_taken(world, api):
    payload = world.house_payload()
    payload["materials"][0]["content_base64"] = b64(
        pdf(streams=((b"/Filter/FlateDecode", deflated_zeros(49 * MB)),)))
    payload["materials"][2]["content_base64"] = b64(png_header(7000, 7000))  # 49 megapixels

    response = api["citizen"].post("/applications", payload)

    assert response.status_code == 201, response.json()
    assert ApplicationMaterial.objects.exclude(file="").count() == 3


def test_real_images_and_pdfs_pass_the_check():
    """(Sealed certificates pass too: tests/certificates verifies them through it.)"""
    image_check(image("PNG", (640, 480)))
    image_check(image("JPEG", (640, 480)))
    pdf_check(PDF)
    pdf_check(pdf(streams=((b"/Filter/ASCIIHexDecode", b"48656c6c6f>"),
                           (b"/Filter/RunLengthDecode", b"\x02abc\xfdz\x80"),
                           (b"/Filter/ASCII85Decode", b"87cURD]i,\"Ebo80~>"))))


def test_a_supplement_with_a_bomb_is_refused_and_changes_nothing(world, api):
    payload = world.house_payload()
    payload["materials"] = payload["materials"][:1]
    number = api["citizen"].post("/applications", payload).json()["number"]
    before = (media_files(), StoredFile.objects.count())

    response = api["citizen"].post(f"/applications/{number}/supplements", {
        "materials": [{"key": FORM, "content_base64": b64(PNG_BOMB)}]})

    assert response.status_code == 422
    assert response.json()["errors"] == {FORM: "图片超过 50 百万像素的上限"}
    assert (media_files(), StoredFile.objects.count()) == before
    assert ApplicationMaterial.objects.get(key=FORM).status == "missing"


def test_a_draft_with_a_bomb_is_refused_and_nothing_is_saved(world):
    payload = world.house_payload()

    with pytest.raises(InvalidInput) as refused:
        draft_save(actor=world.citizen, subject=subject_resolve(life_event_code="house"),
                   data=payload["data"], applicant=Applicant(**payload["applicant"]),
                   delivery=DeliveryChoice(),
                   uploads=[Upload(key=CONTRACT, filename="合同.pdf", content=pdf_bomb())])

    assert refused.value.errors == {CONTRACT: "PDF 中有数据流解压后超过 50 MB"}
    assert ApplicationDraft.objects.count() == 0
    _nothing_stored()


def _verify(content: bytes, *, api: bool) -> Any:
    upload = SimpleUploadedFile("证照.pdf", content, "application/pdf")
    path = "/api/v1/certificates/verify-pdf" if api else "/verify/"
    return Client().post(path, {"pdf": upload})


def test_verifying_a_pdf_bomb_is_refused_before_it_is_opened(world):
    api = _verify(pdf_bomb(), api=True)
    page = _verify(pdf_bomb(), api=False)

    assert api.status_code == 422
    assert api.json() == {"message": "上传文件无法接受",
                          "errors": {"pdf": "PDF 中有数据流解压后超过 50 MB"}}
    assert "PDF 中有数据流解压后超过 50 MB" in page.content.decode()
    assert media_files() == []


def test_verifying_a_pdf_that_cannot_be_parsed_reports_it_unreadable(world):
    response = _verify(b"%PDF-1.7\n1 0 obj <<", api=True)

    assert response.status_code == 200
    assert response.json()["status"] == "unreadable"
