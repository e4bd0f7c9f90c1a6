"""Browser tests of issue 12 (window clerk): the 新生儿 intake shows the birth medical
certificate the registry holds for the mother; a 二手房 intake comes prefilled with the
seller's property and asks how the result reaches her; the kiosk after closing time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from onevisit.applications.models import Application
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.demo.hall import demo_hall_ensure
from onevisit.exchange.models import AccessLog
from onevisit.exchange.services import registry_record_put
from onevisit.hall.models import QueueTicket
from tests.conftest import PDF
from tests.e2e.conftest import clock_fixed, shot
from tests.factories import UserFactory, resident_id

pytestmark = pytest.mark.django_db(transaction=True)

TZ = dt.timezone(dt.timedelta(hours=8))
TUESDAY_MORNING = dt.datetime(2026, 12, 1, 10, 0, tzinfo=TZ)
SUNDAY_EVENING = dt.datetime(2026, 12, 6, 19, 30, tzinfo=TZ)
MOTHER = resident_id(birth="19940517", seq="202")
FATHER = resident_id(birth="19920308", seq="201")
SELLER = resident_id(birth="19700101", seq="111")
BUYER = resident_id(birth="19900101", seq="222")
PROPERTY_NUMBER = "浙(2019)杭州市不动产权第0123456号"
PROPERTY_ADDRESS = "浙江省杭州市西湖区文三路 90 号 2 幢 301 室"


def _person(subject: str, name: str, gender: str) -> None:
    data = {"name": name, "id_number": subject, "gender": gender,
            "address": "浙江省杭州市西湖区文三路 90 号 2 幢 301 室"}
    for evidence_type in ("resident_id_card", "household_register"):
        registry_record_put(source="population", evidence_type=evidence_type, subject=subject,
                            data=data)


@pytest.fixture
def hall(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    demo_catalogue_load()
    demo_hall_ensure()
    UserFactory(username="clerk", clerk=True, first_name="窗口一")
    clock_fixed(monkeypatch, TUESDAY_MORNING)


def _sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/hall/intake/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()


def _start(page: Any, subject: str, id_number: str) -> None:
    page.get_by_label("办理事项或一件事").select_option(label=subject)
    page.get_by_label("证件号码（读卡或输入）").fill(id_number)
    page.get_by_label("申请人已当面同意", exact=False).check()
    page.get_by_role("button", name="查询并预填").click()


def test_the_newborn_intake_shows_the_birth_certificate_held_for_the_mother(
        hall, live_server, page):
    _person(MOTHER, "林晓燕", "女")
    registry_record_put(source="health", evidence_type="birth_medical_certificate",
                        subject=MOTHER, data={
                            "certificate_number": "P330123456", "newborn_name": "周小禾",
                            "gender": "女", "birth_date": "2026-11-20",
                            "hospital": "浙江大学医学院附属妇产科医院",
                            "mother_name": "林晓燕", "mother_id_number": MOTHER,
                            "father_name": "周文涛", "father_id_number": FATHER})
    _sign_in(page, live_server.url)
    _start(page, "一件事：新生儿出生一件事", MOTHER)

    row = page.get_by_role("row").filter(has_text="出生医学证明")
    assert "已共享获取，无需提交" in row.inner_text()
    assert page.get_by_label("新生儿姓名").input_value() == "周小禾"
    assert page.get_by_label("新生儿出生日期").input_value() == "2026-11-20"
    assert page.get_by_label("母亲居民身份证号码").input_value() == MOTHER
    assert page.get_by_label("父亲姓名").input_value() == "周文涛"
    assert page.get_by_label("出生地点（助产机构）").input_value() == "浙江大学医学院附属妇产科医院"
    shot(page, "window-newborn-prefilled")
    reads = AccessLog.objects.count()
    page.reload()
    page.get_by_text("本次受理不再重复查询").wait_for()
    assert AccessLog.objects.count() == reads  # read once per intake


def test_a_sale_at_the_window_is_prefilled_and_asks_how_the_result_goes(
        hall, live_server, page):
    _person(SELLER, "张卖方", "男")
    registry_record_put(source="property", evidence_type="real_estate_certificate",
                        subject=SELLER, data={
                            "owner_name": "张卖方", "owner_id_number": SELLER,
                            "properties": [{"certificate_number": PROPERTY_NUMBER,
                                            "address": PROPERTY_ADDRESS, "use": "住宅",
                                            "building_area_m2": "89.50",
                                            "registered_on": "2015-06-01"}]})
    _sign_in(page, live_server.url)
    _start(page, "一件事：二手房交易登记一件事", SELLER)

    assert page.get_by_label("不动产权证书号").input_value() == PROPERTY_NUMBER
    assert page.get_by_label("不动产坐落").input_value() == PROPERTY_ADDRESS
    # What the registry holds is filled in, not asked: the taxes are computed from it.
    assert page.get_by_label("房屋用途").input_value() == "住宅"
    assert page.get_by_label("建筑面积（平方米）").input_value() == "89.50"
    methods = page.locator('input[name="delivery_method"]')
    assert [methods.nth(i).get_attribute("value") for i in range(methods.count())] == [
        "courier", "pickup", "download"]
    assert page.locator('input[name="delivery_method"]:checked').count() == 0
    page.get_by_label("申请人手机号码").fill("13812345678")
    page.locator("#f-buyer_name").fill("李买方")
    page.locator("#f-buyer_id_number").fill(BUYER)
    page.get_by_label("买受人手机号码").fill("13912345678")
    page.get_by_label("成交价格（元）").fill("1850000")
    page.get_by_label("合同签订日期").fill("2026-11-20")
    page.get_by_label("买受人家庭住房情况").select_option("家庭唯一住房")
    page.get_by_label("出售住房是否购买满五年且为家庭唯一生活用房").select_option("否")
    for row in page.locator('input[type="file"]').all():
        row.set_input_files(files=[{"name": "材料.pdf", "mimeType": "application/pdf",
                                    "buffer": PDF}])

    page.get_by_role("button", name="检查材料并受理").click()
    page.get_by_text("请询问申请人并选择结果送达方式").first.wait_for()
    assert not Application.objects.exists()
    shot(page, "window-sale-delivery-asked")

    page.get_by_label("快递送达").check()
    page.get_by_label("收件人电话").fill("13812345678")
    for row in page.locator('input[type="file"]').all():
        row.set_input_files(files=[{"name": "材料.pdf", "mimeType": "application/pdf",
                                    "buffer": PDF}])
    # The transfer registration needs both parties in person: the trip is the promised one.
    assert page.get_by_label("申请人本次来大厅的原因").input_value() == "required"
    shot(page, "window-sale-prefilled")
    page.get_by_role("button", name="检查材料并受理").click()

    page.get_by_text("已受理，请打印受理回执交给申请人").wait_for()
    application = Application.objects.get()
    assert application.delivery_method == "courier"
    assert application.data["property_certificate_number"] == PROPERTY_NUMBER
    assert [v.cause for v in application.visits.all()] == ["required"]
    assert "其中计入承诺的 1 次（承诺最多 1 次" in page.content()
    shot(page, "window-sale-accepted")


def test_the_kiosk_after_closing_time_issues_nothing(hall, live_server, page, monkeypatch):
    clock_fixed(monkeypatch, SUNDAY_EVENING)
    page.goto(f"{live_server.url}/hall/xihu/kiosk/")

    page.locator("#kiosk-closed").wait_for()
    assert "开放时间：工作日 09:00–17:00" in page.locator("#kiosk-closed").inner_text()
    assert page.get_by_role("button", name="综合受理").is_disabled()
    assert page.locator("header").count() == 0
    assert page.get_by_role("link").count() == 0
    shot(page, "kiosk-closed")
    assert not QueueTicket.objects.exists()
