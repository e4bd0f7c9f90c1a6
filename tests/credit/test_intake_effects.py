"""What the applicant's credit tier changes at intake and in review: 容缺 only for A and
B, 告知承诺 only for A, a second reviewer's sign-off (复核) for C and D — through the API
and the pages, with nothing stored when refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onevisit.applications.models import Application, ApplicationMaterial, Case
from onevisit.audit.models import AuditEvent
from onevisit.catalogue.models import MaterialRequirement, ServiceItem
from onevisit.catalogue.services import catalogue_revision_bump
from onevisit.workflow.models import WorkItem
from tests.conftest import PDF, Api, World
from tests.credit.helpers import put_in_tier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TAX_FORM = "upload:330106-SW-001:tax-form"
DRAWINGS = "upload:330106-ZJ-009:drawings"


def _tolerated_payload(world: World) -> dict:
    payload = world.house_payload()
    payload["materials"] = [m for m in payload["materials"] if m["key"] != TAX_FORM]
    payload["tolerated_missing"] = [TAX_FORM]
    return payload


def _commitment_allowed(world: World) -> None:
    """The licence runs the 告知承诺制, and its drawings may be replaced by it."""
    ServiceItem.objects.filter(pk=world.licence.pk).update(commitment_allowed=True)
    MaterialRequirement.objects.filter(item=world.licence, code="drawings").update(
        commitment_replaceable=True)
    catalogue_revision_bump()


def _commitment_payload(world: World) -> dict:
    payload = world.licence_payload()
    payload["materials"] = []
    payload["commitment"] = [DRAWINGS]
    return payload


def _nothing_stored() -> None:
    assert not Application.objects.exists()
    assert not ApplicationMaterial.objects.exists()
    assert not AuditEvent.objects.filter(action="application.submitted").exists()


@pytest.mark.parametrize("tier", ["A", "B"])
def test_good_tiers_are_accepted_with_a_tolerated_material(world, api, tier):
    put_in_tier(world.citizen_id, tier)

    response = api["citizen"].post("/applications", _tolerated_payload(world))

    assert response.status_code == 201, response.json()
    application = Application.objects.get()
    assert (application.status, application.credit_tier) == ("accepted", tier)
    assert application.materials.get(key=TAX_FORM).status == "tolerated"


@pytest.mark.parametrize("tier", ["C", "D"])
def test_bad_tiers_are_refused_tolerated_acceptance_and_nothing_is_stored(world, api, tier):
    put_in_tier(world.citizen_id, tier)

    response = api["citizen"].post("/applications", _tolerated_payload(world))

    assert response.status_code == 422
    assert f"信用等级为{tier}级" in response.json()["errors"]["tolerated"]
    _nothing_stored()


def test_tier_a_replaces_a_material_by_a_written_commitment(world, api):
    _commitment_allowed(world)

    response = api["citizen"].post("/applications", _commitment_payload(world))

    assert response.status_code == 201, response.json()
    application = Application.objects.get()
    assert application.status == "accepted"
    assert application.materials.get(key=DRAWINGS).status == "committed"
    submitted = AuditEvent.objects.get(action="application.submitted")
    assert submitted.data["commitment"] == [DRAWINGS]


@pytest.mark.parametrize("tier", ["B", "C", "D"])
def test_only_tier_a_may_use_the_commitment(world, api, tier):
    _commitment_allowed(world)
    put_in_tier(world.citizen_id, tier)

    response = api["citizen"].post("/applications", _commitment_payload(world))

    assert response.status_code == 422
    assert "告知承诺制仅适用于A级" in response.json()["errors"]["commitment"]
    _nothing_stored()


def test_a_material_the_catalogue_does_not_mark_is_not_replaced_by_a_commitment(world, api):
    # The item does not run the 告知承诺制: even tier A must bring the drawings.
    response = api["citizen"].post("/applications", _commitment_payload(world))

    assert response.status_code == 422
    assert response.json()["errors"][DRAWINGS] == "该材料不适用告知承诺制"
    _nothing_stored()


def _licence_case(world: World, api: dict[str, Api]) -> Case:
    response = api["citizen"].post("/applications", world.licence_payload())
    assert response.status_code == 201, response.json()
    return Case.objects.get()


@pytest.mark.parametrize("tier", ["C", "D"])
def test_bad_tiers_need_a_second_reviewer_to_approve(world, api, tier):
    put_in_tier(world.citizen_id, tier)
    case = _licence_case(world, api)
    first = api["reviewer:xh-zjj"]
    second = Api(UserFactory(username="reviewer-2", reviewer=True, department=world.housing))

    assert first.decide(case.pk, "approve", {"note": "符合条件"}).status_code == 200
    case.refresh_from_db()
    assert case.status == "pending"  # back in the queue for the 复核
    assert list(WorkItem.objects.values_list("outcome", flat=True)) == ["first_approved"]

    queue = _browser(second.user).get("/workbench/").content.decode()
    assert "初审同意，待复核" in queue
    page = _browser(second.user).get(f"/workbench/cases/{case.pk}/").content.decode()
    assert f'data-credit-tier="{tier}"' in page
    assert "已初审同意；本件须由另一名审批人员复核后准予" in page
    assert f"/workbench/cases/{case.pk}/claim/" in page  # the second reviewer claims it
    first_page = _browser(first.user).get(f"/workbench/cases/{case.pk}/").content.decode()
    assert f"/workbench/cases/{case.pk}/claim/" not in first_page  # not hers to claim again
    assert "您已初审同意，复核须由另一名审批人员认领" in first_page
    mine = _browser(world.citizen).get(
        f"/me/applications/{case.application.number}/").content.decode()
    assert "初审同意，待复核" in mine  # the applicant knows why it is not decided yet

    refused = first.post(f"/cases/{case.pk}/claim")
    assert refused.status_code == 403
    assert "另一名审批人员" in refused.json()["message"]
    case.refresh_from_db()
    assert case.status == "pending"
    assert WorkItem.objects.count() == 1

    assert second.decide(case.pk, "approve", {"note": "复核同意"}).status_code == 200
    case.refresh_from_db()
    assert case.status == "approved"
    assert Application.objects.get().status == "completed"
    assert list(WorkItem.objects.values_list("outcome", "assignee__username")) == [
        ("first_approved", "reviewer-xh-zjj"), ("approved", "reviewer-2")]


@pytest.mark.parametrize("tier", ["A", "B"])
def test_good_tiers_are_approved_by_one_reviewer(world, api, tier):
    put_in_tier(world.citizen_id, tier)
    case = _licence_case(world, api)

    assert api["reviewer:xh-zjj"].decide(case.pk, "approve").status_code == 200

    case.refresh_from_db()
    assert case.status == "approved"


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _intake_page(world: World) -> str:
    return _browser(world.clerk).get("/hall/intake/", {
        "subject": "life-events:house", "applicant_id_number": world.citizen_id,
    }).content.decode()


def test_the_window_intake_shows_the_options_the_tier_allows(world):
    _commitment_allowed(world)
    page = _intake_page(world)
    assert 'data-credit-tier="A"' in page
    assert f'name="tolerated" value="{TAX_FORM}"' in page

    put_in_tier(world.citizen_id, "C")
    page = _intake_page(world)
    assert 'data-credit-tier="C"' in page
    assert 'name="tolerated"' not in page
    assert "可容缺材料：申请主体信用等级不适用" in page
    assert "审批须经第二名审批人员复核" in page


def test_the_window_refuses_tolerated_acceptance_for_a_bad_tier(world):
    put_in_tier(world.citizen_id, "D")

    response = _browser(world.clerk).post("/hall/intake/", {
        "subject": "life-events:house", "applicant_kind": "person", "applicant_name": "王小明",
        "applicant_id_number": world.citizen_id,
        "f:applicant_id_number": world.citizen_id, "f:phone": "13812345678",
        "f:price": "1850000", "f:contract_date": "2026-11-20", "f:property_use": "住宅",
        "delivery_method": "pickup",
        "m:upload:330106-FW-001:sales-contract": SimpleUploadedFile("a.pdf", PDF),
        "tolerated": TAX_FORM, "consent": "1", "visit_cause": "walk_in",
    })

    assert response.status_code == 422
    page = response.content.decode()
    assert "不适用容缺受理" in page
    # The error list names the choice in words, not by its form key.
    assert "<li>容缺受理：" in page
    assert "<li>tolerated" not in page
    _nothing_stored()


def test_the_citizens_apply_page_shows_the_commitment_only_to_tier_a(world):
    _commitment_allowed(world)
    browser = _browser(world.citizen)
    page = browser.get(f"/apply/items/{world.licence.code}/").content.decode()
    assert f'name="commitment" value="{DRAWINGS}"' in page

    put_in_tier(world.citizen_id, "B")
    page = browser.get(f"/apply/items/{world.licence.code}/").content.decode()
    assert 'data-credit-tier="B"' in page
    assert 'name="commitment"' not in page
    assert "可承诺替代：仅信用A级适用" in page


def test_the_citizen_files_online_on_a_commitment(world):
    _commitment_allowed(world)
    browser = _browser(world.citizen)

    response = browser.post(f"/apply/items/{world.licence.code}/", {
        "applicant_kind": "person", "applicant_name": "王小明",
        "applicant_id_number": world.citizen_id,
        "f:applicant_id_number": world.citizen_id, "f:phone": "13812345678",
        "delivery_method": "download", "consent": "1", "commitment": DRAWINGS,
        "action": "submit",
    })

    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get()
    assert application.materials.get(key=DRAWINGS).status == "committed"
    assert application.status == "accepted"
    # Her application says which material her written commitment replaced.
    page = browser.get(f"/me/applications/{application.number}/").content.decode()
    drawings = application.materials.get(key=DRAWINGS).name
    assert 'id="committed"' in page
    assert f"<li>{drawings}</li>" in page




def test_a_bad_tier_cannot_turn_a_missing_material_into_a_tolerated_one_later(world, api):
    payload = _tolerated_payload(world)
    payload["tolerated_missing"] = []
    assert api["citizen"].post("/applications", payload).status_code == 201
    application = Application.objects.get()
    assert application.status == "needs_supplement"
    put_in_tier(world.citizen_id, "C")
    events = AuditEvent.objects.count()

    response = api["citizen"].post(f"/applications/{application.number}/supplements",
                                   {"tolerated_missing": [TAX_FORM]})

    assert response.status_code == 422
    assert "不适用容缺受理" in response.json()["errors"]["tolerated"]
    assert application.materials.get(key=TAX_FORM).status == "missing"
    assert Application.objects.get().status == "needs_supplement"
    assert AuditEvent.objects.count() == events
