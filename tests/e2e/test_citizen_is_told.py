"""Browser tests of issue 12 (citizen): a correction notification reaches the citizen and
her pages say 需要您办理; a company files by its agent, bound through the pages, and a
filing for a company the account is not bound to is refused; self-registration with the
code from the outbox."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from stdnum.cn import uscc

from onevisit import clock
from onevisit.accounts.models import Authorisation, User
from onevisit.applications.models import Application
from onevisit.catalogue.models import FieldDef
from onevisit.catalogue.services import item_publish
from onevisit.exchange.services import registry_record_put
from tests.e2e.conftest import shot
from tests.factories import (
    EvidenceTypeFactory,
    ItemFieldFactory,
    MaterialFactory,
    ServiceItemFactory,
    UserFactory,
    resident_id,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"
COMPANY = "91330106MA2B3C4D5"
USCC = COMPANY + uscc.calc_check_digit(COMPANY)
OTHER = "91330106MA2C7D8E9"
OTHER_USCC = OTHER + uscc.calc_check_digit(OTHER)


def _sign_in(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_a_citizen_is_told_of_a_correction_and_sees_what_waits_for_her(world, api,
                                                                       live_server, page):
    body = api["citizen"].post("/applications", world.licence_payload()).json()
    response = api["reviewer:xh-zjj"].decide(body["cases"][0]["id"], "corrections", {
        "entries": [{"key": "upload:330106-ZJ-009:drawings", "problem": "缺少第3页审查意见"}]})
    assert response.status_code == 201
    base = live_server.url

    _sign_in(page, base, "citizen")
    page.get_by_role("link", name=re.compile("我的办件")).click()
    page.get_by_role("heading", name=re.compile("需要您办理")).wait_for()
    assert page.get_by_text("1 件需要您办理").is_visible()
    shot(page, "told-waiting")
    page.get_by_role("link", name=re.compile("我的消息")).first.click()
    page.get_by_text("缺少第3页审查意见").first.wait_for()
    assert page.get_by_text("请补正材料").first.is_visible()
    shot(page, "told-messages")

    clerk = UserFactory(username="outbox-reader", is_staff=True)
    _sign_in(page, base, clerk.username)
    page.goto(f"{base}/outbox/")
    page.get_by_text(response.json()["number"]).first.wait_for()
    shot(page, "told-outbox")


@pytest.fixture
def company_item(world: Any, settings: Any) -> Any:
    settings.ONEVISIT = {**settings.ONEVISIT, "ENTERPRISE_EVIDENCE": "business-licence"}
    licence = EvidenceTypeFactory(code="business-licence", name="营业执照", source="enterprise",
                                  subject_kind="enterprise", subject_field="")
    item = ServiceItemFactory(code="330106-SC-001", name="食品经营许可", department=world.housing)
    ItemFieldFactory(item=item, field=FieldDef.objects.get(key="phone"), order=0)
    MaterialFactory(item=item, code="licence", name="营业执照", evidence_type=licence)
    item_publish(item=item, actor=None)
    for code, name in ((USCC, "杭州西湖示例餐饮有限公司"), (OTHER_USCC, "杭州另一家有限公司")):
        registry_record_put(source="enterprise", evidence_type="business-licence", subject=code,
                            data={"name": name, "legal_representative": "王小明"})
    return item


def _file_for(page: Any, base: str, name: str, code: str) -> None:
    page.goto(f"{base}/apply/items/330106-SC-001/")
    page.get_by_label("申请人类型").select_option("enterprise")
    page.get_by_label("姓名或单位名称").fill(name)
    page.get_by_label("身份证号码或统一社会信用代码").fill(code)
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_label("我同意政府部门为办理本次申请获取上述数据", exact=False).check()
    page.get_by_role("button", name="提交申请").click()


def test_a_company_files_by_its_agent_bound_through_the_pages(world, company_item,
                                                               live_server, browser, page):
    base = live_server.url
    agent = UserFactory(username="13900002222", first_name="赵六",
                        id_number=resident_id(seq="456"))

    # The legal representative binds her account, then authorises the agent.
    _sign_in(page, base, "citizen")
    page.goto(f"{base}/me/companies/")
    page.get_by_label("统一社会信用代码").fill(USCC)
    page.get_by_role("button", name="核验并绑定").click()
    page.get_by_text("已绑定为企业法定代表人").wait_for()
    page.get_by_label("被授权人用户名（手机号码）").fill(agent.username)
    page.get_by_label("授权范围", exact=False).fill("330106-SC-001")
    page.get_by_label("有效期至").fill(f"{clock.now() + dt.timedelta(days=30):%Y-%m-%d}")
    page.get_by_label("授权委托书编号").fill("WT-2026-001")
    page.get_by_role("button", name="登记授权委托").click()
    page.get_by_text("授权委托已登记").wait_for()
    shot(page, "company-mandate-granted")

    context = browser.new_context(locale="zh-CN")
    agent_page = context.new_page()
    _sign_in(agent_page, base, agent.username)
    _file_for(agent_page, base, "杭州西湖示例餐饮有限公司", USCC)
    agent_page.locator("#status").get_by_text("已受理").wait_for()
    shot(agent_page, "company-filed-by-agent")

    # A company the agent holds no authorisation for: refused, nothing filed.
    _file_for(agent_page, base, "杭州另一家有限公司", OTHER_USCC)
    agent_page.get_by_text("没有该企业对本事项的有效授权委托", exact=False).first.wait_for()
    shot(agent_page, "company-refused")
    context.close()
    assert Application.objects.count() == 1
    assert Authorisation.objects.filter(user=agent, basis="mandate").count() == 1


def test_a_citizen_signs_up_with_the_code_from_the_outbox(world, live_server, browser, page,
                                                          settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "PERSON_EVIDENCE": "resident-id-card"}
    person = resident_id(birth="19900101", seq="123")
    registry_record_put(source="population", evidence_type="resident-id-card", subject=person,
                        data={"name": "李华"})
    base = live_server.url

    page.goto(f"{base}/")
    page.get_by_role("link", name="注册").click()
    page.get_by_label("手机号码").fill("13900001111")
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送").wait_for()

    staff = browser.new_context(locale="zh-CN")
    outbox = staff.new_page()
    UserFactory(username="outbox-reader", is_staff=True)
    _sign_in(outbox, base, "outbox-reader")
    outbox.goto(f"{base}/outbox/")
    text = outbox.get_by_text("您的注册验证码").first.inner_text()
    shot(outbox, "sign-up-outbox")
    staff.close()
    code = re.search(r"\d{6}", text)
    assert code is not None

    page.get_by_label("短信验证码").fill(code.group(0))
    page.get_by_label("姓名").fill("李华")
    page.get_by_label("居民身份证号码").fill(person)
    page.get_by_label("密码").fill("a long enough passphrase")
    page.get_by_role("button", name="注册", exact=True).click()
    page.get_by_text("注册成功").wait_for()
    shot(page, "sign-up-done")
    assert User.objects.get(username="13900001111").id_number == person
