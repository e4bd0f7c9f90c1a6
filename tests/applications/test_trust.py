"""Who may file for whom: the account's own verified person, or a company or person it is
bound to by a valid authorisation; the applicant's name must be the registry's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from onevisit import clock
from onevisit.accounts.models import AuthorisationBasis, SubjectKind
from onevisit.accounts.services import authorisation_grant, authorisation_revoke
from onevisit.applications.models import Application, ApplicationMaterial
from onevisit.audit.models import AuditEvent
from onevisit.catalogue.models import FieldDef
from onevisit.catalogue.services import item_publish
from onevisit.exchange.models import AccessLog
from onevisit.exchange.services import registry_record_put, subject_digest
from tests.conftest import Api
from tests.factories import (
    EvidenceTypeFactory,
    ItemFieldFactory,
    MaterialFactory,
    ServiceItemFactory,
    UserFactory,
    resident_id,
)

pytestmark = pytest.mark.django_db

COMPANY = "91330106MA2B3C4D5E"


def _uscc() -> str:
    from stdnum.cn import uscc

    body = COMPANY[:-1]
    return body + uscc.calc_check_digit(body)


@pytest.fixture
def company_item(world: Any) -> Any:
    """An item a company files: its business licence is fetched from the market registry."""
    licence = EvidenceTypeFactory(code="business-licence", name="营业执照", source="enterprise",
                                  subject_kind="enterprise", subject_field="")
    item = ServiceItemFactory(code="330106-SC-001", name="食品经营许可", department=world.housing)
    ItemFieldFactory(item=item, field=FieldDef.objects.get(key="phone"), order=0)
    MaterialFactory(item=item, code="licence", name="营业执照", evidence_type=licence)
    item_publish(item=item, actor=None)
    registry_record_put(source="enterprise", evidence_type="business-licence", subject=_uscc(),
                        data={"name": "杭州西湖示例餐饮有限公司", "legal_representative": "王小明"})
    return item


def _company_payload(**applicant: str) -> dict[str, Any]:
    return {
        "item_code": "330106-SC-001",
        "applicant": {"kind": "enterprise", "name": "杭州西湖示例餐饮有限公司",
                      "id_number": _uscc()} | applicant,
        "data": {"phone": "13812345678"},
        "consent_to_fetch": True,
    }


def _state() -> tuple[int, ...]:
    return (Application.objects.count(), ApplicationMaterial.objects.count(),
            AccessLog.objects.exclude(outcome="refused").count())


def _refusals(subject: str) -> list[AccessLog]:
    return list(AccessLog.objects.filter(subject_digest=subject_digest(subject),
                                         outcome="refused"))


def test_an_account_without_an_id_number_cannot_file_for_someone_else(world):
    stranger = Api(UserFactory(username="no-id", id_number=""))
    payload = world.licence_payload()
    before = _state()

    response = stranger.post("/applications", payload)

    assert response.status_code == 403
    assert "实名认证" in response.json()["message"]
    # Refused before any fetch: the person's ID card was not read, nothing was stored.
    assert _state() == before
    refusals = _refusals(world.citizen_id)
    assert [(r.actor_id, r.evidence_type) for r in refusals] == [(stranger.user.pk, "applicant")]
    event = AuditEvent.objects.get(action="application.filing_refused")
    assert event.actor_id == stranger.user.pk
    assert event.data["applicant"] == world.citizen_id[:4] + "*" * 10 + world.citizen_id[-4:]
    # The person whose number was used sees the attempt in her own access log.
    rows = Api(world.citizen).get("/me/access-log").json()
    assert [r["outcome"] for r in rows] == ["refused"]


def test_a_citizen_cannot_file_for_a_company_she_is_not_bound_to(world, company_item):
    before = _state()

    response = Api(world.citizen).post("/applications", _company_payload())

    assert response.status_code == 403
    assert "法定代表人" in response.json()["message"]
    assert _state() == before  # the business licence was not fetched
    assert len(_refusals(_uscc())) == 1


def test_the_legal_representative_files_for_her_company(world, company_item):
    authorisation_grant(user=world.citizen, subject_kind=SubjectKind.ENTERPRISE,
                        subject_id=_uscc(), subject_name="杭州西湖示例餐饮有限公司",
                        basis=AuthorisationBasis.LEGAL_REPRESENTATIVE, actor=world.clerk)

    response = Api(world.citizen).post("/applications", _company_payload())

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "accepted"
    assert [(m["key"], m["status"]) for m in body["materials"]] == [
        ("evidence:business-licence", "fetched")]


def test_a_mandate_covers_only_its_scope_and_its_time(world, company_item):
    agent = UserFactory(username="agent-zhang", id_number=resident_id(seq="777"))
    now = clock.now()
    mandate = authorisation_grant(
        user=agent, subject_kind=SubjectKind.ENTERPRISE, subject_id=_uscc(),
        subject_name="杭州西湖示例餐饮有限公司", basis=AuthorisationBasis.MANDATE,
        actor=world.clerk, scope=["330106-ZJ-009"], valid_until=now + dt.timedelta(days=30),
        document="WT-2026-0001",
    )
    client = Api(agent)

    outside_scope = client.post("/applications", _company_payload())
    assert outside_scope.status_code == 403
    assert Application.objects.count() == 0

    authorisation_revoke(authorisation_id=mandate.pk, actor=world.clerk, reason="公司收回授权")
    authorisation_grant(
        user=agent, subject_kind=SubjectKind.ENTERPRISE, subject_id=_uscc(),
        subject_name="杭州西湖示例餐饮有限公司", basis=AuthorisationBasis.MANDATE,
        actor=world.clerk, scope=["330106-SC-001"],
        valid_from=now - dt.timedelta(days=60), valid_until=now - dt.timedelta(days=1),
    )
    expired = client.post("/applications", _company_payload())
    assert expired.status_code == 403
    assert Application.objects.count() == 0

    authorisation_grant(
        user=agent, subject_kind=SubjectKind.ENTERPRISE, subject_id=_uscc(),
        subject_name="杭州西湖示例餐饮有限公司", basis=AuthorisationBasis.MANDATE,
        actor=world.clerk, scope=["330106-SC-001"], valid_until=now + dt.timedelta(days=30),
    )
    assert client.post("/applications", _company_payload()).status_code == 201


def test_a_mandate_without_an_end_or_for_oneself_is_refused(world):
    from onevisit.accounts.models import Authorisation
    from onevisit.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        authorisation_grant(user=world.citizen, subject_kind=SubjectKind.PERSON,
                            subject_id=resident_id(seq="888"), subject_name="李四",
                            basis=AuthorisationBasis.MANDATE, actor=world.clerk)
    assert set(refused.value.errors) == {"valid_until"}
    with pytest.raises(InvalidInput) as refused:
        authorisation_grant(user=world.citizen, subject_kind=SubjectKind.PERSON,
                            subject_id=world.citizen_id, subject_name="王小明",
                            basis=AuthorisationBasis.MANDATE, actor=world.clerk,
                            valid_until=clock.now() + dt.timedelta(days=1))
    assert set(refused.value.errors) == {"subject_id"}
    assert not Authorisation.objects.exists()


def test_an_agent_files_for_a_person_who_authorised_her(world):
    grandmother = resident_id(birth="19400101", seq="020")
    registry_record_put(source="population", evidence_type="resident-id-card",
                        subject=grandmother, data={"name": "赵秀英"})
    authorisation_grant(user=world.citizen, subject_kind=SubjectKind.PERSON,
                        subject_id=grandmother, subject_name="赵秀英",
                        basis=AuthorisationBasis.MANDATE, actor=world.clerk,
                        valid_until=clock.now() + dt.timedelta(days=90))
    payload = world.licence_payload()
    payload["applicant"] = {"kind": "person", "name": "赵秀英", "id_number": grandmother}
    payload["data"]["applicant_id_number"] = grandmother

    response = Api(world.citizen).post("/applications", payload)

    assert response.status_code == 201, response.json()
    assert Application.objects.get().applicant_id_number == grandmother


def test_a_name_that_is_not_the_registrys_is_refused_naming_the_field(world, api):
    payload = world.licence_payload()
    payload["applicant"]["name"] = "李四"
    before = _state()

    response = api["citizen"].post("/applications", payload)

    assert response.status_code == 422
    body = response.json()
    assert list(body["errors"]) == ["applicant.name"]
    assert "居民身份证" in body["errors"]["applicant.name"]
    assert "王小明" not in str(body)  # the registry's name is not revealed
    assert (Application.objects.count(), ApplicationMaterial.objects.count()) == before[:2]
    # The read that found the mismatch is logged, with the refusal.
    outcomes = sorted(AccessLog.objects.filter(subject_digest=subject_digest(world.citizen_id))
                      .values_list("evidence_type", "outcome"))
    assert outcomes == [("applicant", "refused"), ("resident-id-card", "found")]


def test_a_clerk_cannot_file_a_name_the_registry_does_not_hold_either(world, api):
    payload = world.licence_payload()
    payload["channel"] = "window"
    payload["applicant"]["name"] = "李四"

    response = api["clerk"].post("/applications", payload)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["applicant.name"]
    assert Application.objects.count() == 0


def test_names_compare_without_spaces_or_width(world, api):
    payload = world.licence_payload()
    payload["applicant"]["name"] = " 王　小明 "

    response = api["citizen"].post("/applications", payload)

    assert response.status_code == 201, response.json()


def test_the_draft_path_refuses_someone_elses_id_too(world):
    from onevisit.applications.services import (
        Applicant,
        DeliveryChoice,
        draft_save,
        draft_submit,
    )
    from onevisit.applications.services.subjects import subject_resolve
    from onevisit.errors import NotAllowed

    other = resident_id(seq="556")
    stranger = UserFactory(username="drafter", id_number=resident_id(seq="557"))
    draft = draft_save(actor=stranger, subject=subject_resolve(item_code=world.licence.code),
                       data={"applicant_id_number": other, "phone": "13812345678"},
                       applicant=Applicant(kind="person", name="王小明", id_number=other),
                       delivery=DeliveryChoice())

    with pytest.raises(NotAllowed):
        draft_submit(draft_id=draft.pk, actor=stranger, consent=True)

    assert Application.objects.count() == 0
    assert AccessLog.objects.exclude(outcome="refused").count() == 0
    assert len(_refusals(other)) == 1


def test_the_variants_of_a_transliterated_names_middle_dot_are_one_name():
    from onevisit.applications.services.intake import _name_key

    assert {_name_key(n) for n in ("阿卜杜拉·买买提", "阿卜杜拉•买买提", "阿卜杜拉．买买提",
                                   "阿卜杜拉.买买提", "阿卜杜拉 · 买买提")} == {"阿卜杜拉·买买提"}
    assert _name_key("王小明") != _name_key("王晓明")
