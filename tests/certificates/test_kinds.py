"""Each kind of result has its own printed form, every one with its verification code and
a QR code of the verification URL; a life event's results are each sealed by the
department that issued them."""

from __future__ import annotations

import re
import subprocess

import pytest
import segno
from PIL import Image

from onevisit import pdf
from onevisit.applications.models import Application
from onevisit.catalogue.services import item_publish
from onevisit.certificates.models import Certificate, SealCertificate
from onevisit.certificates.rendering import template_for
from onevisit.certificates.services import certificate_pdf
from onevisit.certificates.verification import pdf_verify
from onevisit.lifeevents.services import life_event_define
from tests.certificates.conftest import nss_database, pdfsig
from tests.factories import FieldDefFactory, ItemFieldFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db


def _ca_pem() -> bytes:
    return SealCertificate.objects.get(kind="ca").pem.encode()


def _text(content: bytes, tmp_path) -> str:
    path = tmp_path / "kind.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return re.sub(r"\s+", "", text)


def _as_kind(certificate: Certificate, evidence_type: str, *, application_data=None,
             data=None) -> Certificate:
    if application_data:
        application = certificate.application
        Application.objects.filter(pk=application.pk).update(
            data={**application.data, **application_data}
        )
    Certificate.objects.filter(pk=certificate.pk).update(
        evidence_type=evidence_type, data={**certificate.data, **(data or {})}
    )
    return Certificate.objects.select_related("application", "department").get(
        pk=certificate.pk
    )


def test_the_business_licence_prints_the_credit_code_and_the_company(certificate, tmp_path):
    licence = _as_kind(
        certificate, "business_licence",
        application_data={
            "company_name": "杭州西湖云栖科技有限公司",
            "company_type": "有限责任公司（自然人投资或控股）",
            "legal_rep_name": "王小明", "registered_capital": "100",
            "business_address": "浙江省杭州市西湖区文三路 100 号",
            "business_scope": "软件开发；信息技术咨询服务",
        },
        data={"company_uscc": "91330106MA2KXXXX1B"},
    )

    text = _text(certificate_pdf(certificate=licence), tmp_path)

    assert template_for(licence) == "certificates/kinds/business_licence.html"
    for expected in ("营业执照", "统一社会信用代码", "91330106MA2KXXXX1B",
                     "杭州西湖云栖科技有限公司", "有限责任公司（自然人投资或控股）",
                     "法定代表人王小明", "100万元", "浙江省杭州市西湖区文三路100号",
                     "软件开发；信息技术咨询服务", "西湖区不动产登记中心",
                     licence.verification_code):
        assert expected in text, expected


def test_the_real_estate_certificate_prints_the_owner_and_the_property(certificate, tmp_path):
    deed = _as_kind(certificate, "real_estate_certificate", application_data={
        "buyer_name": "李华", "property_address": "西湖区文三路 100 号 1 幢 101 室",
        "property_certificate_number": "浙(2019)杭州市不动产权第0123456号",
    })

    text = _text(certificate_pdf(certificate=deed), tmp_path)

    for expected in ("不动产权证书", "权利人李华", "坐落西湖区文三路100号1幢101室",
                     "浙(2019)杭州市不动产权第0123456号", "用途住宅", deed.verification_code):
        assert expected in text, expected


def test_the_birth_medical_certificate_prints_the_newborn_and_parents(certificate, tmp_path):
    birth = _as_kind(certificate, "birth-medical-certificate", application_data={
        "newborn_name": "王小宝", "newborn_gender": "男", "newborn_birth_date": "2026-11-20",
        "newborn_birth_place": "浙江大学医学院附属妇产科医院", "mother_name": "李芳",
        "father_name": "王小明",
    })

    text = _text(certificate_pdf(certificate=birth), tmp_path)

    assert template_for(birth) == "certificates/kinds/birth_medical_certificate.html"
    for expected in ("出生医学证明", "新生儿姓名王小宝", "性别男", "出生日期2026-11-20",
                     "浙江大学医学院附属妇产科医院", "母亲姓名李芳", "父亲姓名王小明"):
        assert expected in text, expected


@pytest.mark.parametrize("evidence_type", ["", "construction_permit", "../../etc/passwd"])
def test_other_results_use_the_generic_form(certificate, tmp_path, evidence_type):
    other = _as_kind(certificate, evidence_type)

    text = _text(certificate_pdf(certificate=other), tmp_path)

    assert template_for(other) == "certificates/kinds/generic.html"
    assert "持证人王小明" in text
    assert "不动产权证书" in text  # the title of the result
    assert other.verification_code in text


def test_the_qr_code_and_the_printed_link_are_the_absolute_verification_url(
    certificate, settings, tmp_path
):
    settings.ONEVISIT = {**settings.ONEVISIT, "PUBLIC_URL": "https://zwfw.xihu.gov.cn"}
    url = f"https://zwfw.xihu.gov.cn/verify/{certificate.verification_code}"

    content = certificate_pdf(certificate=certificate)
    text = _text(content, tmp_path)
    (tmp_path / "qr.pdf").write_bytes(content)
    subprocess.run(["pdfimages", "-png", str(tmp_path / "qr.pdf"), str(tmp_path / "img")],
                   check=True)
    images = sorted(tmp_path.glob("img-*.png"))

    assert url in text
    assert len(images) == 1
    # The one image in the PDF is the QR code of that URL, one pixel a module.
    with Image.open(images[0]) as image:
        pixels = image.convert("L")
        modules = [[1 if pixels.getpixel((x, y)) < 128 else 0 for x in range(pixels.width)]
                   for y in range(pixels.height)]
    assert modules == [list(row) for row in segno.make(url, error="m", mask=4).matrix]


def test_each_department_of_a_life_event_seals_its_own_result(world, api, tmp_path):
    """A bundle across two departments: each result carries its own department's seal."""
    applicant_id = FieldDefFactory(key="applicant_id_number")
    phone = FieldDefFactory(key="phone")
    items = []
    for department, code, name, result in (
        (world.housing, "330106-ZJ-101", "房屋租赁登记备案", "房屋租赁登记备案证明"),
        (world.registry, "330106-BDC-101", "不动产抵押登记", "不动产登记证明"),
    ):
        item = ServiceItemFactory(code=code, name=name, department=department, minutes=True,
                                  result_name=result)
        ItemFieldFactory(item=item, field=applicant_id, order=0)
        ItemFieldFactory(item=item, field=phone, order=1)
        item_publish(item=item, actor=None)
        items.append(item)
    life_event_define(
        code="rent-and-mortgage", name="租房抵押一件事", region_code="330106",
        committed_limit=60, limit_unit="minutes", promised_visits=0, actor=None,
        stages=[{"key": "rent", "name": "租赁备案", "item_code": items[0].code},
                {"key": "mortgage", "name": "抵押登记", "item_code": items[1].code}],
    )
    filed = api["citizen"].post("/applications", {
        "life_event_code": "rent-and-mortgage",
        "applicant": {"kind": "person", "name": "王小明", "id_number": world.citizen_id},
        "data": {"applicant_id_number": world.citizen_id, "phone": "13812345678"},
        "delivery": {"method": "download"},
    })
    assert filed.status_code == 201, filed.json()
    for case in filed.json()["cases"]:
        role = "xh-zjj" if case["stage_key"] == "rent" else "xh-bdc"
        assert api[f"reviewer:{role}"].decide(case['id']).status_code == 200
    database = nss_database(tmp_path / "nss", _ca_pem())

    certificates = list(Certificate.objects.filter(application__number=filed.json()["number"])
                        .select_related("department").order_by("title"))
    reports = {c.department.code: (pdf_verify(certificate_pdf(certificate=c)),
                                   pdfsig(certificate_pdf(certificate=c), tmp_path, database))
               for c in certificates}

    assert [c.department.code for c in certificates] == ["xh-bdc", "xh-zjj"]
    for certificate in certificates:
        verification, poppler = reports[certificate.department.code]
        assert verification.status == "valid"
        assert verification.certificate == certificate
        assert verification.seal is not None
        assert verification.seal.department == certificate.department
        assert f"Signer Certificate Common Name: {certificate.department.name}" in poppler
        assert "Certificate Validation: Certificate is Trusted." in poppler
    assert reports["xh-bdc"][0].seal != reports["xh-zjj"][0].seal



def test_with_the_compact_font_a_rare_character_still_prints_from_the_full_font(
    certificate, settings, tmp_path, monkeypatch
):
    """`onevisit fonts build` cuts the CJK font down to common characters; a name with a
    character outside the cut (喆 is not in GB 2312) still prints."""
    settings.DATA_DIR = tmp_path
    # A small cut keeps the test quick; the real one holds GB 2312.
    kept = ("证照编号持证人王办理事项件发机关日期核验码本加盖电子印章"
            "扫描二维或访问真伪也可用阅读器离线验")
    monkeypatch.setattr(pdf, "_compact_characters",
                        lambda: set(range(0x20, 0x7F)) | {ord(c) for c in kept})
    compact = pdf.compact_font_build()
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="王喆")
    certificate.refresh_from_db()

    content = certificate_pdf(certificate=certificate)

    assert compact.is_file()
    assert "持证人王喆" in _text(content, tmp_path)
    (tmp_path / "fonts.pdf").write_bytes(content)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "fonts.pdf")], capture_output=True,
                           text=True, check=True).stdout
    names = [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]]
    assert "onevisit-CJK-compact" in names
    assert any(name.startswith("Noto-Sans-CJK") for name in names)  # for 喆 and the rest
