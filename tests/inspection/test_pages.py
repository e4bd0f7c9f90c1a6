"""The staff pages walk a plan from creation to published results; the public pages show
the commitment before the draw, the verification after it, and mask persons."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from onevisit.applications.models import Case
from onevisit.catalogue.models import ServiceItem
from onevisit.certificates.models import Certificate
from onevisit.inspection.models import (
    ConflictOfInterest,
    Draw,
    InspectionItem,
    Plan,
    Result,
    Target,
)
from onevisit.inspection.services import (
    inspection_item_define,
    inspector_register,
    plan_draw,
    plan_publish,
    plan_reveal,
    result_record,
    results_publish,
    targets_refresh,
)
from tests.conftest import Api
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_supervisor_walks_a_joint_plan_through_the_pages(inspection):
    supervisor = _as(inspection.supervisor)

    page = supervisor.post("/workbench/inspections/new/", {
        "name": "联合抽查", "region": "330106", "lead_department": inspection.market.code,
        "items": [inspection.market_item.code, inspection.enforcement_item.code],
        "period_start": "2026-12-01", "period_end": "2026-12-31",
        "ratio_A": "10", "ratio_B": "20", "ratio_C": "50", "ratio_D": "100",
    }, follow=True).content.decode()
    plan = Plan.objects.get()
    assert f"已制定抽查计划 {plan.code}" in page
    assert set(plan.departments.values_list("code", flat=True)) == {
        inspection.market.code, inspection.enforcement.code}

    base = f"/workbench/inspections/{plan.code}"
    draft = supervisor.get(f"{base}/").content.decode()
    assert "<tr><td>A</td><td>10</td><td>10%</td><td>1</td></tr>" in draft
    assert "已公示计划参数和种子承诺值" in supervisor.post(f"{base}/publish/",
                                                          follow=True).content.decode()
    draw = Draw.objects.get()
    public = Client().get(f"/inspections/{plan.code}/").content.decode()
    assert draw.commitment in public
    assert draw.seed not in public
    assert "抽取后公开" in public
    assert "<tr><td>A</td><td>10</td><td>10%</td><td>1</td></tr>" in public
    assert "执法检查人员 6 名" in public
    parameters = Client().get(f"/inspections/{plan.code}/parameters.json").content
    assert hashlib.sha256(parameters).hexdigest() == draw.parameters_sha256

    supervisor.post(f"{base}/draw/")
    assert draw.seed not in Client().get(f"/inspections/{plan.code}/").content.decode()
    page = supervisor.post(f"{base}/reveal/", follow=True).content.decode()
    assert "复核一致：按种子和公示参数重新抽取，结果与记录相同" in page

    result = Result.objects.order_by("assignment__position", "item__code").first()
    inspector = _as(result.assignment.first_inspector.user)
    assert result.item.name in inspector.get("/workbench/inspections/").content.decode()
    inspector.post(f"/workbench/inspections/results/{result.pk}/record/", {
        "outcome": "rectify", "finding": "从业人员健康证过期", "rectify_days": "10",
        "plan": plan.code})
    supervisor.post(f"{base}/publish-results/")

    public = Client().get(f"/inspections/{plan.code}/").content.decode()
    assert draw.seed in public
    assert "复核一致" in public
    assert "从业人员健康证过期" in public
    assert result.assignment.target.name in public
    assert result.assignment.first_inspector.certificate_number in public
    assert result.assignment.first_inspector.user.first_name not in public
    assert plan.name in Client().get("/inspections/").content.decode()


def test_a_refused_plan_keeps_what_the_planner_typed(inspection):
    supervisor = _as(inspection.supervisor)

    response = supervisor.post("/workbench/inspections/new/", {
        "name": "十二月联合抽查", "region": "330106",
        "lead_department": inspection.market.code,
        "items": [inspection.market_item.code, inspection.enforcement_item.code],
        "period_start": "2026-12-31", "period_end": "2026-12-10",
        "ratio_A": "7", "ratio_B": "20", "ratio_C": "50", "ratio_D": "100",
    })

    page = response.content.decode()
    assert response.status_code == 400
    assert "抽查计划未保存" in page
    assert 'value="十二月联合抽查"' in page
    assert f'value="{inspection.market_item.code}" checked' in page
    assert 'value="2026-12-31"' in page
    assert 'id="ratio-A" name="ratio_A" type="number" min="0" max="100" value="7"' in page
    assert not Plan.objects.exists()


def test_persons_are_masked_on_the_public_pages(inspection, world):
    # A licence holder who is a person: a certificate of the licence item in her name.
    item = inspection_item_define(
        code="ZJ-JC-001", name="施工许可后续监管", department_code=world.housing.code,
        legal_basis="《建筑工程施工许可管理办法》", service_item_codes=[world.licence.code],
        actor=None)
    filed = world.licence_payload()
    number = Api(world.citizen).post("/applications", filed).json()["number"]
    reviewer = Api(world.reviewer(world.housing))
    case = Case.objects.get(application__number=number)
    reviewer.decide(case.pk)
    assert Certificate.objects.filter(holder_id=world.citizen_id).exists()
    targets_refresh()
    holder = Target.objects.get(code=world.citizen_id)
    assert holder.kind == "person"
    assert holder.licences == [world.licence.code]
    # Not a licence: the holder of a certificate of another kind is no target.
    ServiceItem.objects.filter(code=world.licence.code).update(kind="confirmation")
    targets_refresh()
    holder.refresh_from_db()
    assert (holder.sources, holder.licences) == ([], [])
    ServiceItem.objects.filter(code=world.licence.code).update(kind="licensing")
    targets_refresh()
    lead = UserFactory(username="housing-lead", lead=True, department=world.housing)
    for n in (1, 2):
        inspector_register(user=UserFactory(username=f"zj{n}", reviewer=True,
                                            department=world.housing,
                                            first_name=("张三丰", "欧阳娜娜")[n - 1]),
                           department_code=world.housing.code,
                           certificate_number=f"ZJ{n}", region_code="330106", actor=None)
    plan = inspection.joint_plan(
        actor=lead, lead_department_code=world.housing.code,
        department_codes=[world.housing.code], item_codes=[item.code],
        ratios={"A": 100, "B": 100, "C": 100, "D": 100})
    plan_publish(plan_code=plan.code, actor=lead)
    plan_draw(plan_code=plan.code, actor=lead)
    plan_reveal(plan_code=plan.code, actor=lead)
    result = Result.objects.get(assignment__draw__plan=plan)
    result_record(result_id=result.pk, actor=lead, outcome="rectify",
                  finding="王小明未按规定设置围挡")
    results_publish(plan_code=plan.code, actor=lead)

    public = Client().get(f"/inspections/{plan.code}/").content.decode()
    parameters = Client().get(f"/inspections/{plan.code}/parameters.json").content.decode()

    assert "王**" in public
    assert "王小明" not in public
    assert world.citizen_id not in public + parameters
    assert holder.ref in public
    assert "张**" in public
    # A mask does not tell how long the name is.
    assert "欧**" in public
    assert "欧***" not in public


def test_staff_pages_refuse_others_and_scope_by_region(inspection, world):
    plan = inspection.joint_plan()
    yuhang = UserFactory(username="yuhang-supervisor", supervisor=True, region_id="330110")

    for user in (world.citizen, world.clerk):
        assert _as(user).get("/workbench/inspections/").status_code == 403
        assert _as(user).post(f"/workbench/inspections/{plan.code}/publish/").status_code == 403
    assert _as(yuhang).get(f"/workbench/inspections/{plan.code}/").status_code == 404
    assert plan.code not in _as(yuhang).get("/workbench/inspections/").content.decode()
    page = _as(world.reviewer(world.housing)).post(
        f"/workbench/inspections/{plan.code}/publish/", follow=True).content.decode()
    assert "只有牵头部门负责人或本地区电子监察人员能管理这项抽查计划" in page
    assert Client().get(f"/inspections/{plan.code}/").status_code == 404  # a draft
    plan.refresh_from_db()
    assert plan.status == "draft"
    assert Draw.objects.count() == 0


def test_a_lead_records_and_ends_her_inspectors_conflicts(inspection, world):
    lead = _as(inspection.market_lead)
    sc1 = inspection.inspectors[0]
    target = inspection.target(3)

    page = lead.get("/workbench/inspections/inspectors/").content.decode()
    assert sc1.certificate_number in page
    assert inspection.inspectors[3].certificate_number not in page  # another department's
    page = lead.post("/workbench/inspections/conflicts/declare/", {
        "inspector": sc1.pk, "target": target.ref, "reason": "former_employer",
        "note": "2019—2021 年在该企业任职"}, follow=True).content.decode()
    assert "已登记回避关系" in page
    assert target.name in page
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.inspector, conflict.target, conflict.reason) == (
        sc1, target, "former_employer")

    # Another department's lead may not touch it; the target must exist.
    other = _as(inspection.enforcement_lead)
    page = other.post("/workbench/inspections/conflicts/end/", {"conflict": conflict.pk},
                      follow=True).content.decode()
    assert "执法检查人员不存在" in page
    page = lead.post("/workbench/inspections/conflicts/declare/", {
        "inspector": sc1.pk, "target": "91330106NOSUCH", "reason": "relative"},
        follow=True).content.decode()
    assert "检查对象名录中没有 91330106NOSUCH" in page
    assert ConflictOfInterest.objects.count() == 1
    assert ConflictOfInterest.objects.get().ended_at is None
    for user in (world.citizen, world.reviewer(world.housing)):
        assert _as(user).get("/workbench/inspections/inspectors/").status_code == 403

    lead.post("/workbench/inspections/conflicts/end/", {"conflict": conflict.pk})
    assert ConflictOfInterest.objects.get().ended_at is not None


def test_editors_keep_the_lists_in_the_admin_within_their_region(inspection, world):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    editor = UserFactory(username="editor-yh", role="editor", is_staff=True,
                         region_id="330110")
    editor.user_permissions.set(Permission.objects.filter(content_type__app_label="inspection"))
    client = _as(admin)

    for model in ("inspectionitem", "inspector", "conflictofinterest", "target"):
        assert client.get(f"/admin/inspection/{model}/").status_code == 200
    page = client.post("/admin/inspection/inspectionitem/add/", {
        "code": "SC-JC-009", "name": "广告发布检查", "department": inspection.market.pk,
        "legal_basis": "《中华人民共和国广告法》", "method": "", "service_item_codes": "[]",
        "active": "on"}, follow=True)
    assert page.status_code == 200
    assert InspectionItem.objects.filter(code="SC-JC-009").exists()
    listing = _as(editor).get("/admin/inspection/inspectionitem/").content.decode()
    assert inspection.market_item.name not in listing
    assert inspection.inspectors[0].certificate_number not in _as(editor).get(
        "/admin/inspection/inspector/").content.decode()
    assert _as(editor).get(
        f"/admin/inspection/inspectionitem/{inspection.market_item.pk}/change/").status_code == 302
    form = _as(editor).get("/admin/inspection/inspectionitem/add/").context["adminform"].form
    assert list(form.fields["department"].queryset) == []  # 余杭区 has no department here
