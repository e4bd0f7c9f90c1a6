"""The pages of the investment bundle: the window's application page names the stages
skipped (免于办理) and why; 施工图 多审合一 in the workbench — a participant's list, its
opinion form and its reading of the drawings; the lead's case page with every opinion."""

from __future__ import annotations

import pytest
from django.test import Client

from onevisit.accounts.models import User
from onevisit.applications.models import Application
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.workflow.models import JointOpinion
from tests.workflow.test_investment import _case, _file, _reviewer, _to_drawings

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawings(db: None) -> Application:
    demo_catalogue_load()
    application = _file(in_eia_area="是", in_energy_area="否")
    _to_drawings(application)
    return application


def _browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_window_page_names_the_skipped_stage_and_why(drawings):
    clerk = User.objects.get(username="window")

    page = _browser(clerk).get(f"/hall/applications/{drawings.number}/").content.decode()

    assert "环境影响评价审批" in page
    assert "免于办理：是否位于已完成区域环评的区域：是" in page
    assert "免于办理：是否位于已完成区域能评的区域" not in page


def test_a_participant_records_its_opinion_from_its_workbench(drawings):
    case = _case(drawings, "drawings")
    weather = _browser(_reviewer("hz-qxj"))

    listing = weather.get("/workbench/joint/").content.decode()
    assert f"/workbench/joint/{case.pk}/" in listing
    assert "待出具" in listing
    assert "本部门参加审查的办件 1 件" in weather.get("/workbench/").content.decode()
    response = weather.post(f"/workbench/joint/{case.pk}/",
                            {"verdict": "object", "text": "缺少防雷装置设计专篇"})

    assert response.status_code == 302
    opinion = JointOpinion.objects.get(case=case)
    assert (opinion.department.code, opinion.verdict, opinion.text) == (
        "hz-qxj", "object", "缺少防雷装置设计专篇")
    lead_page = _browser(_reviewer("xh-zjj")).get(
        f"/workbench/cases/{case.pk}/").content.decode()
    assert "杭州市气象局：<strong>有异议</strong>。缺少防雷装置设计专篇" in lead_page
    assert "杭州市人民防空办公室：待出具" in lead_page


def test_a_participant_reads_the_drawings_and_an_outsider_does_not(drawings):
    case = _case(drawings, "drawings")
    material = drawings.materials.get(key="upload:330106-TZ-005:construction-drawings")
    outsider = _browser(_reviewer("hz-sthj"))

    assert outsider.get(f"/workbench/joint/{case.pk}/").status_code == 404
    assert outsider.post(f"/workbench/joint/{case.pk}/",
                         {"verdict": "agree", "text": ""}).status_code == 404
    assert outsider.get(f"/workbench/cases/{case.pk}/materials/{material.pk}/"
                        ).status_code == 404
    assert not JointOpinion.objects.exists()
    civil_defence = _browser(_reviewer("hz-rfb"))
    assert civil_defence.get(f"/workbench/cases/{case.pk}/materials/{material.pk}/"
                             ).status_code == 200
    licence = drawings.materials.get(key="upload:330106-TZ-006:construction-contract")
    assert civil_defence.get(f"/workbench/cases/{case.pk}/materials/{licence.pk}/"
                             ).status_code == 404  # another stage's material


def test_the_guide_says_when_a_stage_is_skipped(db):
    demo_catalogue_load()

    page = Client().get("/life-events/investment-approval/").content.decode()

    assert "免于办理的情形" in page
    assert "是否位于已完成区域环评的区域：是" in page
    assert "浙江省发展和改革委员会" in page
