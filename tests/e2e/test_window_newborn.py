"""Browser test 2 of issue 3: a clerk calls a queue number, takes in 新生儿出生一件事 with a
missing material, prints the one-time notice; the applicant comes back with it (a second
visit, recorded and flagged); acceptance and the receipt."""

from __future__ import annotations

import datetime as dt

import pytest

from onevisit.applications.models import Application
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.demo.hall import demo_hall_ensure
from onevisit.exchange.services import registry_record_put
from onevisit.supervision.models import Alert
from tests.conftest import PDF
from tests.e2e.conftest import clock_fixed, shot
from tests.factories import UserFactory, resident_id

pytestmark = pytest.mark.django_db(transaction=True)

MOTHER = resident_id(birth="19940517", seq="202")
FATHER = resident_id(birth="19920308", seq="201")


@pytest.fixture
def hall_world(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # A Tuesday morning: the hall is open and the kiosk issues numbers.
    clock_fixed(monkeypatch, dt.datetime(2026, 12, 1, 10, 0,
                                         tzinfo=dt.timezone(dt.timedelta(hours=8))))
    demo_catalogue_load()
    demo_hall_ensure()
    UserFactory(username="clerk", clerk=True, first_name="窗口一")
    person = {"name": "林晓燕", "id_number": MOTHER, "gender": "女",
              "address": "浙江省杭州市西湖区文三路 90 号 2 幢 301 室"}
    registry_record_put(source="population", evidence_type="resident_id_card",
                        subject=MOTHER, data=person)
    registry_record_put(source="population", evidence_type="household_register",
                        subject=MOTHER, data=person | {"householder": "林晓燕"})
    # The hospital has not sent the birth medical certificate: she must bring it.


def test_a_window_intake_with_a_notice_and_a_return_visit(hall_world, live_server, page):
    base = live_server.url
    page.goto(f"{base}/hall/xihu/kiosk/")
    page.get_by_role("button", name="综合受理").click()
    number = page.locator("#ticket-number").inner_text()
    assert number == "A001"
    shot(page, "newborn-ticket")

    page.goto(f"{base}/accounts/login/?next=/hall/xihu/windows/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="1 号窗口 · 综合受理").click()
    page.get_by_role("button", name="叫号").click()
    page.get_by_text(number).first.wait_for()
    page.get_by_role("button", name="开始办理").click()
    page.get_by_role("link", name="窗口受理").click()

    page.get_by_label("办理事项或一件事").select_option(label="一件事：新生儿出生一件事")
    page.get_by_label("证件号码（读卡或输入）").fill(MOTHER)
    page.get_by_label("申请人已当面同意", exact=False).check()
    page.get_by_role("button", name="查询并预填").click()
    assert page.get_by_label("申请人姓名").input_value() == "林晓燕"  # from the registry
    assert page.get_by_label("户籍地址").input_value().startswith("浙江省杭州市西湖区")
    page.get_by_label("申请人手机号码").fill("13905710123")
    page.get_by_label("新生儿姓名").fill("林小禾")
    page.get_by_label("新生儿出生日期").fill("2026-11-20")
    page.get_by_label("新生儿性别").select_option("女")
    page.get_by_label("母亲姓名").fill("林晓燕")
    page.get_by_label("母亲居民身份证号码").fill(MOTHER)
    page.get_by_label("父亲姓名").fill("周文涛")
    page.get_by_label("父亲居民身份证号码").fill(FATHER)
    page.get_by_label("出生地点（助产机构）").fill("浙江大学医学院附属妇产科医院")
    page.get_by_label("窗口领取").check()  # she prefers to fetch it
    # A 零上门 matter filed at the window: her choice, not a broken promise.
    assert page.get_by_label("申请人本次来大厅的原因").input_value() == "walk_in"
    shot(page, "newborn-intake-form")
    page.get_by_role("button", name="检查材料并受理").click()

    page.get_by_text("已出具一次性告知书").wait_for()
    application = Application.objects.get()
    notice = application.notices.get()
    assert [e["name"] for e in notice.entries] == ["出生医学证明"]
    printed = page.request.get(f"{base}/documents/{application.number}/notices/"
                               f"{notice.number}.pdf")
    assert printed.headers["content-type"] == "application/pdf"
    assert printed.body().startswith(b"%PDF")
    shot(page, "newborn-notice")
    assert application.queue_tickets.get().number == number  # the number served is linked

    # She comes back another day with the certificate from the hospital.
    page.get_by_role("link", name="查找办件").click()
    page.get_by_label("办件编号、受理回执编号或证件号码").fill(notice.application.number)
    page.get_by_role("button", name="查找").click()
    page.get_by_label("出生医学证明：政府部门未查到该证明，请提交").set_input_files(
        files=[{"name": "出生医学证明.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_label("申请人是另行再次来到大厅（计为一次新的跑动）").check()
    # The hospital had not sent the certificate to the registry: the government's doing.
    page.locator("#supplement-visit-cause").select_option("second_trip_demanded")
    page.get_by_role("button", name="收取并再次检查").click()

    page.locator("#status").get_by_text("已受理").wait_for()
    assert "跑动次数超过承诺：计入承诺的跑动已有 1 次，承诺最多 0 次" in page.content()
    assert "已跑动 2 次" in page.content()
    shot(page, "newborn-accepted")
    application.refresh_from_db()
    assert application.visits.count() == 2
    assert Alert.objects.filter(application_number=application.number,
                                kind="visits_exceeded").exists()
    receipt = page.request.get(f"{base}/documents/{application.number}/receipt.pdf")
    assert receipt.headers["content-type"] == "application/pdf"
    assert application.receipt_number in page.get_by_role(
        "link", name="受理回执").first.inner_text()
