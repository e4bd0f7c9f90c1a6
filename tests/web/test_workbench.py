"""The department workbench: queue by urgency, review with provenance, decisions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from onevisit import clock
from onevisit.applications.models import Case, OneTimeNotice
from onevisit.web.workbench import record_rows
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def filed(world, api):
    body = api["citizen"].post("/applications", world.house_payload()).json()
    return {c["stage_key"]: c["id"] for c in body["cases"]}


def test_the_queue_shows_red_yellow_and_green_by_the_stored_marks(world, filed, api):
    filing = Case.objects.get(pk=filed["filing"])
    licence = Case.objects.get(pk=api["citizen"].post(
        "/applications", world.licence_payload()).json()["cases"][0]["id"])
    Case.objects.filter(pk=filing.pk).update(due_at=clock.now() - dt.timedelta(hours=2))
    Case.objects.filter(pk=licence.pk).update(warn_at=clock.now() - dt.timedelta(minutes=1))

    page = _browser(world.reviewer(world.housing)).get("/workbench/").content.decode()

    assert page.index('data-urgency="red"') < page.index('data-urgency="yellow"')
    assert "已超期" in page
    assert "存量房交易合同网签备案" in page
    assert "建筑工程施工许可" in page


def test_only_reviewers_use_the_workbench(world, filed):
    assert Client().get("/workbench/").status_code == 302  # to the login page
    for user in (world.citizen, world.clerk, world.supervisor):
        assert _browser(user).get("/workbench/").status_code == 403
        assert _browser(user).post(f"/workbench/cases/{filed['filing']}/approve/").status_code \
            == 403
    assert Case.objects.get(pk=filed["filing"]).status == "pending"


def test_another_departments_case_is_not_found(world, filed):
    tax = _browser(world.reviewer(world.tax))

    assert tax.get(f"/workbench/cases/{filed['filing']}/").status_code == 404
    tax.post(f"/workbench/cases/{filed['filing']}/approve/")
    assert Case.objects.get(pk=filed["filing"]).status == "pending"


def test_the_case_page_shows_materials_with_their_source_and_masks_ids(world, filed):
    page = _browser(world.reviewer(world.housing)).get(
        f"/workbench/cases/{filed['filing']}/").content.decode()

    assert "数据共享获取（不动产登记库（自然资源））" in page
    assert "申请人提交" in page
    assert world.citizen_id not in page
    assert world.citizen_id[:4] + "*" * 10 in page


def test_the_case_page_shows_the_fetched_record_beside_the_form_and_logs_the_read(
        world, filed):
    from onevisit.exchange.models import AccessLog

    reviewer = world.reviewer(world.registry)
    transfer = Case.objects.get(pk=filed["transfer"])
    before = AccessLog.objects.count()

    page = _browser(reviewer).get(f"/workbench/cases/{transfer.pk}/").content.decode()

    records = page[page.index("登记信息（数据共享获取，与表单对照）"):page.index("材料及来源")]
    assert "居民身份证 · 人口库（公安）" in records
    assert "<th>姓名或名称</th><td>王小明</td>" in records
    assert "浙(2019)杭州市不动产权第0123456号" in records
    assert world.citizen_id not in page
    read = AccessLog.objects.order_by("-id").first()
    assert AccessLog.objects.count() == before + 1
    assert (read.actor, read.case_id, read.evidence_type) == (
        reviewer, transfer.pk, "property-certificate,resident-id-card")
    assert read.purpose == "审查办件：房屋所有权转移登记"


def test_a_reviewer_approves_from_the_page(world, filed):
    reviewer = _browser(world.reviewer(world.housing))
    reviewer.post(f"/workbench/cases/{filed['filing']}/claim/")

    response = reviewer.post(f"/workbench/cases/{filed['filing']}/approve/",
                             {"note": "材料齐全"}, follow=True)

    assert "已准予" in response.content.decode()
    assert Case.objects.get(pk=filed["filing"]).status == "approved"
    assert Case.objects.get(pk=filed["tax"]).status == "pending"


def test_a_refusal_without_legal_basis_is_shown_and_changes_nothing(world, filed):
    reviewer = _browser(world.reviewer(world.housing))

    response = reviewer.post(f"/workbench/cases/{filed['filing']}/reject/",
                             {"reason": "不符合条件", "legal_basis": ""}, follow=True)

    assert "不予许可必须写明法律依据" in response.content.decode()
    assert Case.objects.get(pk=filed["filing"]).status == "pending"


def test_a_correction_names_every_ticked_material_in_one_notice(world, filed):
    reviewer = _browser(world.reviewer(world.housing))
    key = "upload:330106-FW-001:sales-contract"
    reviewer.post(f"/workbench/cases/{filed['filing']}/claim/")

    reviewer.post(f"/workbench/cases/{filed['filing']}/correct/",
                  {"material": [key], f"problem:{key}": "缺少买受人签字"})

    notice = OneTimeNotice.objects.get(case_id=filed["filing"])
    assert [(e["key"], e["problem"]) for e in notice.entries] == [(key, "缺少买受人签字")]
    assert Case.objects.get(pk=filed["filing"]).status == "correction"


def test_decisions_need_the_csrf_token(world, filed):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.reviewer(world.housing))

    assert client.post(f"/workbench/cases/{filed['filing']}/approve/").status_code == 403
    assert Case.objects.get(pk=filed["filing"]).status == "pending"


def test_login_page_signs_a_reviewer_in(world):
    UserFactory(username="li", reviewer=True, department=world.housing)
    client = Client()

    response = client.post("/accounts/login/", {"username": "li",
                                                "password": "correct horse battery",
                                                "next": "/workbench/"})

    assert response.status_code == 302
    assert client.get("/workbench/").status_code == 200


def test_the_queue_pages_through_every_running_case_in_deadline_order(
        world, filed, django_assert_num_queries):
    filing = Case.objects.get(pk=filed["filing"])
    now = clock.now()
    # 60 more running cases; groups of three share a deadline, so pages split ties by id.
    Case.objects.bulk_create([
        Case(application=filing.application, item=filing.item, department=filing.department,
             stage_key=f"copy-{n}", status="in_review" if n % 2 else "pending",
             due_at=now + dt.timedelta(hours=n // 3 - 4, minutes=30),
             warn_at=now - dt.timedelta(hours=5))
        for n in range(60)
    ])
    expected = list(Case.objects.filter(department=world.housing,
                                        status__in=["pending", "in_review"])
                    .order_by("due_at", "id").values_list("pk", flat=True))
    reviewer = _browser(world.reviewer(world.housing))

    pages, url = [], "/workbench/"
    while url:
        # session, user, queue page, cases waiting for a correction, department, counts,
        # the working-day calendar (its overrides and entered years, once for the page),
        # the joint reviews (多审合一) the department takes part in, her unread messages
        # (the nav's 我的消息: staff are told of the programmes' events); after page one
        # the cursor, and no cases waiting for a correction (they are under page one)
        with django_assert_num_queries(10):
            page = reviewer.get(url).content.decode()
        pages.append([int(pk) for pk in re.findall(r'href="/workbench/cases/(\d+)/"', page)])
        following = re.search(r'href="(/workbench/\?after=\d+)" rel="next"', page)
        url = following.group(1) if following else ""

    assert [len(p) for p in pages] == [50, 11]
    assert [pk for p in pages for pk in p] == expected
    # 12 copies past their deadline, 48 past the 80% mark; the real filing is green.
    assert "队列共 61 件，其中红牌 12 件、黄牌 48 件。" in page


def test_the_queue_shows_the_longest_waiting_corrections_and_pages_through_them_all(
        world, filed):
    filing = Case.objects.get(pk=filed["filing"])
    now = clock.now()
    # 55 waiting for the applicant; pairs paused at the same moment, so pages split ties by id.
    waiting = Case.objects.bulk_create([
        Case(application=filing.application, item=filing.item, department=filing.department,
             stage_key=f"waiting-{n}", status="correction", remaining=3,
             paused_at=now - dt.timedelta(hours=60 - n // 2))
        for n in range(55)
    ])
    reviewer = _browser(world.reviewer(world.housing))

    def shown(page: str) -> list[int]:
        rows = re.findall(r'<tr class="correction".*?href="/workbench/cases/(\d+)/"', page,
                          re.DOTALL)
        return [int(pk) for pk in rows]

    queue = reviewer.get("/workbench/").content.decode()
    assert shown(queue) == [case.pk for case in waiting[:10]]  # longest waiting first
    assert 'href="/workbench/?view=correction">查看全部等待补正或缴费的办件' in queue

    pages, url = [], "/workbench/?view=correction"
    while url:
        page = reviewer.get(url).content.decode()
        pages.append(shown(page))
        following = re.search(r'href="(/workbench/\?view=correction&amp;after=\d+)" rel="next"',
                              page)
        url = following.group(1).replace("&amp;", "&") if following else ""
        assert "查看全部等待补正或缴费的办件" not in page

    assert [len(p) for p in pages] == [50, 5]
    assert [pk for p in pages for pk in p] == [case.pk for case in waiting]


def test_the_demo_registrys_enterprise_record_is_labelled_in_words():
    """Every key the demo's enterprise register returns has a label: none shows raw."""
    rows = dict(record_rows({"name": "杭州合诚餐饮管理有限公司", "industry": "餐饮管理",
                             "legal_representative": "李琴"}))

    assert rows["行业"] == "餐饮管理"
    assert "industry" not in rows
