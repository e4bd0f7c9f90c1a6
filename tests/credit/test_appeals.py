"""Objection (异议) and repair (信用修复): the subject sees its records under /me/, files
with evidence; credit staff of the record's region decide with a reason; an upheld
objection or a granted repair ends the record; the inbox hears of it; all audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onevisit import clock
from onevisit.accounts.models import Authorisation, AuthorisationBasis, Region, SubjectKind
from onevisit.audit.models import AuditEvent
from onevisit.credit.constants import CreditTier, Severity
from onevisit.credit.models import CreditAppeal, CreditRecord
from onevisit.credit.selectors import tier_of
from onevisit.files.services import file_read
from onevisit.notifications.models import Notification
from onevisit.supervision.models import Alert
from tests.conftest import PDF
from tests.credit.helpers import record
from tests.factories import UserFactory, resident_id

pytestmark = pytest.mark.django_db

COMPANY = "91330106MA2B3C4D5E"


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _state(record_id: int) -> tuple:
    r = CreditRecord.objects.get(pk=record_id)
    return (r.ended_at, r.end_reason, CreditAppeal.objects.count(), Alert.objects.count(),
            AuditEvent.objects.count())


def test_an_objection_upheld_ends_the_record_end_to_end(world):
    fact = record(world.citizen_id, Severity.GENERAL)
    assert tier_of(world.citizen_id) == CreditTier.C
    citizen = _browser(world.citizen)

    page = citizen.get("/me/credit/").content.decode()
    assert "拒不履行生效判决" in page
    assert 'data-credit-tier="C"' in page
    response = citizen.post(f"/me/credit/records/{fact.pk}/appeal/", {
        "kind": "objection", "statement": "该判决已于2026年10月履行完毕，记录有误",
        "evidence": "法院结案通知书"})
    assert response.status_code == 302

    appeal = CreditAppeal.objects.get()
    assert (appeal.kind, appeal.status, appeal.filed_by) == (
        "objection", "pending", world.citizen)
    alert = Alert.objects.get(kind="credit_objection")
    assert (alert.status, alert.region_id, alert.subject) == (
        "open", "330106", f"credit-appeal:{appeal.pk}")
    assert alert.evidence["record"] == fact.pk

    supervisor = _browser(world.supervisor)
    assert "该判决已于2026年10月履行完毕" in supervisor.get("/dashboard/credit/").content.decode()
    supervisor.post(f"/dashboard/credit/appeals/{appeal.pk}/decide/",
                    {"decision": "grant", "reason": "经核实，判决已履行，记录撤销"})

    appeal.refresh_from_db()
    fact.refresh_from_db()
    alert.refresh_from_db()
    assert (appeal.status, appeal.decided_by, appeal.decision_reason) == (
        "granted", world.supervisor, "经核实，判决已履行，记录撤销")
    assert fact.ended_at == appeal.decided_at
    assert fact.end_reason == "信用异议：经核实，判决已履行，记录撤销"
    assert (alert.status, alert.closed_by) == ("closed", world.supervisor)
    assert tier_of(world.citizen_id) == CreditTier.A
    assert set(AuditEvent.objects.filter(action__startswith="credit.")
               .values_list("action", flat=True)) == {
        "credit.recorded", "credit.objection_filed", "credit.appeal_decided"}
    assert "已于" in citizen.get("/me/credit/").content.decode()


def test_a_company_repair_with_an_evidence_file_end_to_end(world):
    Authorisation.objects.create(
        user=world.citizen, subject_kind=SubjectKind.ENTERPRISE, subject_id=COMPANY,
        subject_name="杭州小明科技有限公司", basis=AuthorisationBasis.LEGAL_REPRESENTATIVE,
        valid_from=clock.now() - dt.timedelta(days=1), recorded_at=clock.now())
    fact = record(COMPANY, Severity.SERIOUS, kind=SubjectKind.ENTERPRISE,
                  subject_name="杭州小明科技有限公司", fact="提交虚假材料")
    citizen = _browser(world.citizen)

    assert "杭州小明科技有限公司" in citizen.get("/me/credit/").content.decode()
    citizen.post(f"/me/credit/records/{fact.pk}/appeal/", {
        "kind": "repair", "statement": "已整改并作出信用承诺", "evidence": "整改报告",
        "evidence_file": SimpleUploadedFile("整改报告.pdf", PDF)})
    appeal = CreditAppeal.objects.get()
    assert appeal.kind == "repair"
    assert file_read(appeal.evidence_file) == PDF
    assert appeal.evidence_file_name == "整改报告.pdf"

    # The credit staff open the evidence from the appeal they decide; no one else does.
    board = _browser(world.supervisor).get("/dashboard/credit/").content.decode()
    evidence_url = f"/dashboard/credit/appeals/{appeal.pk}/evidence/"
    assert f'href="{evidence_url}"' in board
    opened = _browser(world.supervisor).get(evidence_url)
    assert opened.status_code == 200
    assert opened["Content-Type"] == "application/pdf"
    assert opened.content == PDF
    Region.objects.create(code="330108", name="滨江区", level="county", parent_id="3301")
    elsewhere = UserFactory(username="binjiang", role="supervisor", region_id="330108")
    assert _browser(elsewhere).get(evidence_url).status_code == 404
    assert _browser(world.citizen).get(evidence_url).status_code == 403

    _browser(world.supervisor).post(f"/dashboard/credit/appeals/{appeal.pk}/decide/",
                                    {"decision": "grant", "reason": "整改到位，准予修复"})

    fact.refresh_from_db()
    assert fact.end_reason == "信用修复：整改到位，准予修复"
    assert tier_of(COMPANY) == CreditTier.A


def test_a_dismissed_objection_keeps_the_record(world):
    fact = record(world.citizen_id, Severity.GENERAL)
    _browser(world.citizen).post(f"/me/credit/records/{fact.pk}/appeal/", {
        "kind": "objection", "statement": "不服"})
    appeal = CreditAppeal.objects.get()

    _browser(world.supervisor).post(f"/dashboard/credit/appeals/{appeal.pk}/decide/",
                                    {"decision": "dismiss", "reason": "判决尚未履行"})

    appeal.refresh_from_db()
    fact.refresh_from_db()
    assert (appeal.status, fact.ended_at) == ("dismissed", None)
    assert tier_of(world.citizen_id) == CreditTier.C
    assert Alert.objects.get().status == "closed"
    # She is told the outcome and the reason, once.
    messages = _browser(world.citizen).get("/me/messages/").content.decode()
    assert "信用异议和修复处理结果" in messages
    assert "不成立，记录继续有效" in messages
    assert "判决尚未履行" in messages
    assert Notification.objects.filter(event="credit_decided", channel="site").count() == 1


def test_someone_else_cannot_appeal_a_record_and_nothing_changes(world):
    fact = record(world.citizen_id, Severity.GENERAL)
    stranger = UserFactory(username="stranger", id_number=resident_id(seq="555"))
    before = _state(fact.pk)

    _browser(stranger).post(f"/me/credit/records/{fact.pk}/appeal/", {
        "kind": "objection", "statement": "不服"})

    assert _state(fact.pk) == before
    assert "王小明" not in _browser(stranger).get("/me/credit/").content.decode()


def test_a_repair_needs_evidence_and_nothing_changes_without_it(world):
    fact = record(world.citizen_id, Severity.GENERAL)
    before = _state(fact.pk)

    response = _browser(world.citizen).post(f"/me/credit/records/{fact.pk}/appeal/", {
        "kind": "repair", "statement": "已整改"}, follow=True)

    assert "申请信用修复须提供已纠正失信行为的证明" in response.content.decode()
    assert _state(fact.pk) == before


def test_a_refused_appeal_keeps_what_she_wrote_beside_the_error(world):
    fact = record(world.citizen_id, Severity.GENERAL)
    before = _state(fact.pk)

    response = _browser(world.citizen).post(f"/me/credit/records/{fact.pk}/appeal/", {
        "kind": "repair", "statement": "已补报纳税申报并缴清罚款", "evidence": "附完税证明",
        "evidence_file": SimpleUploadedFile("note.txt", b"not a pdf")})

    assert response.status_code == 422
    page = response.content.decode()
    assert ">已补报纳税申报并缴清罚款</textarea>" in page
    assert ">附完税证明</textarea>" in page
    assert 'name="kind" value="repair" checked' in page
    assert f'id="appeal-error-{fact.pk}"' in page
    assert _state(fact.pk) == before


def test_a_second_appeal_waits_for_the_first(world):
    fact = record(world.citizen_id, Severity.GENERAL)
    citizen = _browser(world.citizen)
    citizen.post(f"/me/credit/records/{fact.pk}/appeal/", {"kind": "objection",
                                                          "statement": "不服"})
    before = _state(fact.pk)

    citizen.post(f"/me/credit/records/{fact.pk}/appeal/", {"kind": "objection",
                                                          "statement": "再次不服"})

    assert _state(fact.pk) == before


def test_staff_of_another_region_or_role_cannot_decide_and_nothing_changes(world):
    fact = record(world.citizen_id, Severity.GENERAL)
    _browser(world.citizen).post(f"/me/credit/records/{fact.pk}/appeal/", {
        "kind": "objection", "statement": "不服"})
    appeal = CreditAppeal.objects.get()
    Region.objects.create(code="330108", name="滨江区", level="county", parent_id="3301")
    elsewhere = UserFactory(username="binjiang", role="supervisor", region_id="330108")
    before = _state(fact.pk)

    for user in (elsewhere, world.clerk, world.citizen, world.reviewer(world.housing)):
        response = _browser(user).post(f"/dashboard/credit/appeals/{appeal.pk}/decide/",
                                       {"decision": "grant", "reason": "同意"})
        assert response.status_code in (302, 403), user
        assert _state(fact.pk) == before, user
    assert "不服" not in _browser(elsewhere).get("/dashboard/credit/").content.decode()


def test_a_decision_needs_a_reason(world):
    fact = record(world.citizen_id, Severity.GENERAL)
    _browser(world.citizen).post(f"/me/credit/records/{fact.pk}/appeal/", {
        "kind": "objection", "statement": "不服"})
    appeal = CreditAppeal.objects.get()
    before = _state(fact.pk)

    _browser(world.supervisor).post(f"/dashboard/credit/appeals/{appeal.pk}/decide/",
                                    {"decision": "grant", "reason": " "})

    assert _state(fact.pk) == before
    assert CreditAppeal.objects.get().status == "pending"
