"""企业投资项目核准一件事 (demo/catalogue/investment.py): stages at the province, the city
and the county, each on its own clock; 区域环评/区域能评 skipping the project-level review;
施工图 多审合一, one joint review with one combined opinion."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc

from onevisit.accounts.models import Department, User
from onevisit.applications.constants import CaseStatus, Channel
from onevisit.applications.models import Application, Case
from onevisit.applications.selectors import applications_visible_to
from onevisit.applications.services import (
    Applicant,
    DeliveryChoice,
    Upload,
    application_submit,
    subject_resolve,
)
from onevisit.certificates.models import Certificate
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.errors import Conflict, NotAllowed, NotFound
from onevisit.workdays.calendar import deadline_after
from onevisit.workflow.joint import (
    joint_opinion_record,
    joint_review_case,
    joint_review_state,
    joint_reviews_for,
)
from onevisit.workflow.models import JointOpinion
from onevisit.workflow.selectors import case_for_review, department_queue, remedies_for
from onevisit.workflow.services import case_approve, case_claim, case_reject
from tests.conftest import PDF
from tests.factories import UserFactory, resident_id

pytestmark = pytest.mark.django_db

COMPANY_CODE = "91330106MA2H7Q3X1" + uscc.calc_check_digit("91330106MA2H7Q3X1")
COMPANY = "杭州西溪智造科技有限公司"
AGENT_ID = resident_id(birth="19800101", seq="313")
ADDRESS = "杭州市西湖区三墩镇振华路 200 号"


@pytest.fixture
def catalogue(db: None) -> None:
    demo_catalogue_load()


def _reviewer(code: str) -> User:
    department = Department.objects.get(code=code)
    user: User = UserFactory(username=f"r-{code}", reviewer=True, department=department)
    return user


def _file(*, in_eia_area: str, in_energy_area: str) -> Application:
    clerk = UserFactory(username="window", clerk=True)
    subject = subject_resolve(life_event_code="investment-approval")
    data = {
        "applicant_name": "赵经办", "applicant_id_number": AGENT_ID,
        "applicant_phone": "13812345678", "company_name": COMPANY,
        "company_uscc": COMPANY_CODE, "project_name": "西溪智造产业园一期",
        "project_address": ADDRESS, "project_investment": "52000",
        "project_content": "新建厂房及研发楼，总建筑面积 86000 平方米",
        "project_start_date": "2027-03-01", "building_area": "86000",
        "in_regional_eia_area": in_eia_area, "in_regional_energy_area": in_energy_area,
    }
    uploads = [Upload(key=m.key, filename="a.pdf", content=PDF) for m in subject.materials
               if m.required and (in_eia_area == "否" or "eia-report" not in m.key)
               and (in_energy_area == "否" or "energy-report" not in m.key)]
    filing = application_submit(
        subject=subject, applicant=Applicant(kind="enterprise", name=COMPANY,
                                             id_number=COMPANY_CODE),
        data=data, channel=Channel.WINDOW, actor=clerk, uploads=uploads,
        delivery=DeliveryChoice(method="courier", recipient="赵经办", phone="13812345678",
                                address=ADDRESS),
    )
    assert filing.application.status == "accepted", [
        (m.key, m.status) for m in filing.materials]
    return filing.application


def _case(application: Application, stage: str) -> Case:
    return Case.objects.select_related("item").get(application=application, stage_key=stage)


def _approve(application: Application, stage: str, reviewer: User, note: str = "") -> Case:
    case = _case(application, stage)
    case_claim(case_id=case.pk, actor=reviewer)
    return case_approve(case_id=case.pk, actor=reviewer, note=note)


def _statuses(application: Application) -> dict[str, str]:
    return dict(Case.objects.filter(application=application)
                .values_list("stage_key", "status"))


def _to_drawings(application: Application) -> Case:
    _approve(application, "land", _reviewer("hz-ghzy"))
    _approve(application, "approval", _reviewer("zj-fgw"))
    _approve(application, "planning", _reviewer("xh-zrzy"))
    return _case(application, "drawings")


def test_a_project_in_assessed_areas_skips_eia_and_energy_and_the_permit_follows(catalogue):
    application = _file(in_eia_area="是", in_energy_area="是")

    assert _statuses(application) == {
        "land": "pending", "approval": "waiting", "planning": "waiting",
        "drawings": "waiting", "construction": "waiting",
    }
    skipped = {s["key"]: s.get("skipped", "") for s in application.stages}
    assert skipped["eia"] == "免于办理：是否位于已完成区域环评的区域：是"
    assert skipped["energy"] == "免于办理：是否位于已完成区域能评的区域：是"
    assert _case(application, "construction").depends_on == ["drawings"]
    keys = set(application.materials.values_list("key", flat=True))
    assert "upload:3301-TZ-003:eia-report" not in keys
    assert "upload:3301-TZ-004:energy-report" not in keys
    assert "upload:330106-TZ-006:construction-contract" in keys

    drawings = _to_drawings(application)
    lead = _reviewer("xh-zjj")
    for code in ("hz-rfb", "hz-qxj"):
        joint_opinion_record(case_id=drawings.pk, actor=_reviewer(code), verdict="agree",
                             text="符合要求")
    _approve(application, "drawings", lead, note="施工图审查合格")
    assert _case(application, "construction").status == CaseStatus.PENDING
    _approve(application, "construction", lead)

    application.refresh_from_db()
    assert application.status == "completed"
    assert _statuses(application) == dict.fromkeys(
        ("land", "approval", "planning", "drawings", "construction"), "approved")


def test_a_project_outside_the_assessed_areas_waits_for_its_eia_and_energy_review(catalogue):
    application = _file(in_eia_area="否", in_energy_area="否")

    assert _statuses(application) == {
        "land": "pending", "approval": "waiting", "eia": "pending", "energy": "pending",
        "planning": "waiting", "drawings": "waiting", "construction": "waiting",
    }
    assert not any(s.get("skipped") for s in application.stages)
    assert _case(application, "construction").depends_on == ["drawings", "eia", "energy"]
    keys = set(application.materials.values_list("key", flat=True))
    assert {"upload:3301-TZ-003:eia-report", "upload:3301-TZ-004:energy-report"} <= keys

    drawings = _to_drawings(application)
    for code in ("hz-rfb", "hz-qxj"):
        joint_opinion_record(case_id=drawings.pk, actor=_reviewer(code), verdict="agree",
                             text="")
    _approve(application, "drawings", _reviewer("xh-zjj"))
    _approve(application, "eia", _reviewer("hz-sthj"))

    assert _case(application, "construction").status == CaseStatus.WAITING  # energy open
    _approve(application, "energy", _reviewer("hz-fgw"))
    assert _case(application, "construction").status == CaseStatus.PENDING


def test_only_the_eia_is_skipped_when_only_the_eia_area_is_assessed(catalogue):
    application = _file(in_eia_area="是", in_energy_area="否")

    assert set(_statuses(application)) == {
        "land", "approval", "energy", "planning", "drawings", "construction"}
    assert _case(application, "construction").depends_on == ["drawings", "energy"]


def test_each_level_sees_and_decides_only_its_own_stage(catalogue):
    application = _file(in_eia_area="否", in_energy_area="否")
    province, city, county = _reviewer("zj-fgw"), _reviewer("hz-sthj"), _reviewer("xh-zjj")
    _approve(application, "land", _reviewer("hz-ghzy"))
    approval = _case(application, "approval")

    assert [c.pk for c in department_queue(actor=province)] == [approval.pk]
    assert [c.stage_key for c in department_queue(actor=city)] == ["eia"]
    assert list(department_queue(actor=county)) == []
    assert case_for_review(actor=county, case_id=approval.pk) is None
    assert list(applications_visible_to(user=province)) == [application]
    with pytest.raises(NotAllowed):
        case_claim(case_id=approval.pk, actor=county)
    assert _case(application, "approval").status == CaseStatus.PENDING

    case_claim(case_id=approval.pk, actor=province)
    case_approve(case_id=approval.pk, actor=province, note="予以核准")

    assert _case(application, "approval").decided_by == province
    assert _case(application, "planning").status == CaseStatus.PENDING


def test_each_case_runs_on_its_own_items_clock(catalogue):
    application = _file(in_eia_area="否", in_energy_area="否")

    for stage, limit in (("land", 5), ("eia", 10), ("energy", 5)):
        case = _case(application, stage)
        assert case.item.committed_limit == limit
        assert case.due_at == deadline_after(start=case.started_at, limit=limit,
                                             unit=case.item.limit_unit).due_at
    assert _case(application, "eia").due_at > _case(application, "land").due_at
    assert _case(application, "approval").due_at is None  # waiting: no clock yet

    _approve(application, "land", _reviewer("hz-ghzy"))
    approval = _case(application, "approval")
    assert approval.due_at == deadline_after(start=approval.started_at, limit=5,
                                             unit=approval.item.limit_unit).due_at


def test_the_joint_review_is_decided_only_after_every_opinion(catalogue):
    application = _file(in_eia_area="是", in_energy_area="是")
    drawings = _to_drawings(application)
    lead = _reviewer("xh-zjj")
    case_claim(case_id=drawings.pk, actor=lead)
    civil_defence = _reviewer("hz-rfb")
    joint_opinion_record(case_id=drawings.pk, actor=civil_defence, verdict="agree",
                         text="人防地下室设计符合要求")

    with pytest.raises(Conflict, match="杭州市气象局"):
        case_approve(case_id=drawings.pk, actor=lead, note="合格")
    with pytest.raises(Conflict, match="杭州市气象局"):
        case_reject(case_id=drawings.pk, actor=lead, reason="不合格", legal_basis="条例")

    case = _case(application, "drawings")
    assert case.status == CaseStatus.IN_REVIEW
    assert case.decided_at is None
    assert not Certificate.objects.filter(application=application).exists()

    joint_opinion_record(case_id=drawings.pk, actor=_reviewer("hz-qxj"), verdict="agree",
                         text="防雷设计符合要求")
    case_approve(case_id=drawings.pk, actor=lead, note="施工图审查合格")

    case = _case(application, "drawings")
    assert case.status == CaseStatus.APPROVED
    assert case.decision_reason == (
        "施工图审查合格\n联合审查各部门意见：\n"
        "杭州市人民防空办公室：同意。人防地下室设计符合要求\n"
        "杭州市气象局：同意。防雷设计符合要求")
    assert JointOpinion.objects.filter(case=case).count() == 2


def test_a_participant_signs_only_for_its_own_department(catalogue):
    application = _file(in_eia_area="是", in_energy_area="是")
    drawings = _to_drawings(application)
    outsider, lead = _reviewer("hz-sthj"), _reviewer("xh-zjj")

    for actor in (outsider, lead):
        with pytest.raises(NotAllowed):
            joint_opinion_record(case_id=drawings.pk, actor=actor, verdict="agree", text="")
        with pytest.raises(NotFound):
            joint_review_case(case_id=drawings.pk, actor=actor)
    assert not JointOpinion.objects.exists()

    joint_opinion_record(case_id=drawings.pk, actor=_reviewer("hz-rfb"), verdict="agree",
                         text="")
    state = joint_review_state(case=drawings)
    assert state is not None
    assert [o.department.code for o in state.opinions] == ["hz-rfb"]
    assert [d.code for d in state.missing] == ["hz-qxj"]


def test_an_objection_stops_the_approval_and_the_lead_sees_it(catalogue):
    application = _file(in_eia_area="是", in_energy_area="是")
    drawings = _to_drawings(application)
    lead, weather = _reviewer("xh-zjj"), _reviewer("hz-qxj")
    assert [c.pk for c in joint_reviews_for(actor=weather)] == [drawings.pk]
    joint_opinion_record(case_id=drawings.pk, actor=_reviewer("hz-rfb"), verdict="agree",
                         text="")
    joint_opinion_record(case_id=drawings.pk, actor=weather, verdict="object",
                         text="缺少防雷装置设计专篇")
    case_claim(case_id=drawings.pk, actor=lead)

    with pytest.raises(Conflict, match="杭州市气象局有异议"):
        case_approve(case_id=drawings.pk, actor=lead)
    state = joint_review_state(case=drawings)
    assert state is not None
    assert [(o.department.code, o.text) for o in state.objections] == [
        ("hz-qxj", "缺少防雷装置设计专篇")]

    case_reject(case_id=drawings.pk, actor=lead, reason="施工图审查不合格",
                legal_basis="《建设工程质量管理条例》第十一条")
    case = _case(application, "drawings")
    assert case.status == CaseStatus.REJECTED
    assert case.decision_reason.endswith("杭州市气象局：有异议。缺少防雷装置设计专篇")
    assert _case(application, "construction").status == CaseStatus.CANCELLED


def test_no_opinion_is_taken_on_a_case_not_under_review(catalogue):
    application = _file(in_eia_area="是", in_energy_area="是")
    drawings = _case(application, "drawings")  # waiting for the planning permit

    with pytest.raises(Conflict):
        joint_opinion_record(case_id=drawings.pk, actor=_reviewer("hz-rfb"), verdict="agree",
                             text="")
    assert not JointOpinion.objects.exists()
    assert list(joint_reviews_for(actor=_reviewer("hz-rfb"))) == []


def test_a_refusal_by_the_province_names_the_provinces_government(catalogue):
    remedies = remedies_for(department=Department.objects.get(code="zj-fgw"))

    assert (remedies.review_body, remedies.court) == ("浙江省人民政府", "有管辖权的人民法院")
