"""Every page and operation, tried by every role on objects that are not theirs.

The citizen 王小明 has an application (with her ID number, phone and delivery address), a
draft and a 12345 consultation (with her phone). Every route of the site — pages, JSON API
— is asked for with her objects' keys by people who have no business with them: nobody
signed in, another citizen, a reviewer of a department with no case of hers, the 12345 staff
for her application, the courier for her 12345 call. None of them may see her data; every
write they try is refused and changes nothing. Her own requests, and those of the staff
who handle her case, still work.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from onevisit.applications.models import (
    Application,
    ApplicationDraft,
    Case,
    OneTimeNotice,
    Visit,
)
from onevisit.applications.services import Applicant, DeliveryChoice, draft_save
from onevisit.applications.services.subjects import subject_resolve
from onevisit.certificates.models import Certificate
from onevisit.delivery.models import Delivery
from onevisit.feedback.models import Rating
from onevisit.hotline.models import Ticket
from onevisit.workflow.models import WorkItem
from tests.conftest import Api
from tests.factories import DepartmentFactory, UserFactory, resident_id

pytestmark = pytest.mark.django_db

CALLER_PHONE = "13600009999"
# Everything a signed-in user could plausibly send: each operation takes what it knows.
KITCHEN_SINK: dict[str, Any] = {
    "reason": "不符合条件", "legal_basis": "《行政许可法》第三十八条", "note": "同意",
    "score": 1, "reasons": ["态度差"], "comment": "差评", "purpose": "other",
    "lead": "xh-zjj", "co_handlers": [], "text": "已处理", "days": 3, "approve": True,
    "satisfied": False, "materials": [], "entries": [{"key": "x", "problem": "y"}],
    "method": "download", "recipient": "李四", "phone": "13900000000", "address": "别处",
    "master": "", "tickets": [], "evidence_type": "resident-id-card", "action": "approve",
}
NOT_FOUND_OR_REFUSED = {401, 403, 404, 405}


def _routes() -> Iterator[str]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    for route in walk(get_resolver().url_patterns, ""):
        # The admin has its own tests; Open311 is keyed by API key and tested on its own;
        # sign-in pages take no object.
        if not route.startswith(("admin/", "open311/", "accounts/", "i18n/", "^")):
            yield route


ROUTES = sorted(set(_routes()))


class Her:
    """The citizen's objects, and the people who try them."""

    def __init__(self, world: Any, api: dict[str, Api]) -> None:
        self.world = world
        body = api["citizen"].post("/applications", world.house_payload()).json()
        self.number = body["number"]
        self.case = next(c["id"] for c in body["cases"] if c["stage_key"] == "filing")
        self.draft = draft_save(
            actor=world.citizen, subject=subject_resolve(item_code=world.licence.code),
            data={"applicant_id_number": world.citizen_id, "phone": "13812345678"},
            applicant=Applicant(kind="person", name="王小明", id_number=world.citizen_id),
            delivery=DeliveryChoice())
        agent = UserFactory(username="agent-m", agent=True)
        self.ticket = Api(agent).post("/tickets", {
            "type": "consultation", "channel": "phone", "caller_name": "王小明",
            "caller_phone": CALLER_PHONE, "text": "请问二手房交易需要带哪些材料，能不能网上办？",
        }).json()["ticket"]["number"]
        other_department = DepartmentFactory(code="xh-other", name="西湖区某局")
        self.people = {
            "anonymous": None,
            "stranger": UserFactory(username="stranger", id_number=resident_id(seq="901")),
            "reviewer-other": UserFactory(username="reviewer-other", reviewer=True,
                                          department=other_department),
            "agent": agent,
            "dispatcher": UserFactory(username="dispatcher-m", dispatcher=True),
            "courier": world.courier,
        }

    def path(self, route: str) -> str:
        """The route with her objects' keys in it (other keys harmless)."""
        ticket_route = "ticket" in route and "hall/tickets" not in route
        values = {
            "number": self.ticket if ticket_route else self.number,
            "case_id": str(self.case), "draft_id": str(self.draft.pk),
            "code": self.world.licence.code, "kind": "item", "action": "approve",
            "slug:action": "approve", "notice": "TZ0", "notice_number": "TZ0",
            "certificate": "ZZ0", "certificate_number": "ZZ0", "tracking_number": "OVP0",
            "extension_id": "1", "ticket_id": "1", "window_id": "1", "hall": "xihu",
            "topic": "住房", "decision": "approve",
        }

        def fill(match: re.Match[str]) -> str:
            name = match.group(1).split(":")[-1]
            return values.get(name, "x")

        return "/" + re.sub(r"<([^>]+)>", fill, route)

    def entitled(self, person: str, route: str) -> bool:
        """The 12345 centre's staff work her call: its pages are theirs to open."""
        return person in ("agent", "dispatcher") and "ticket" in route

    def secrets(self, person: str) -> list[str]:
        """What this person must never see: her application's data (ID number, delivery
        address) for all of them; her 12345 call's phone for those outside the centre."""
        shown = [self.world.citizen_id, "文三路 100 号"]
        if person not in ("agent", "dispatcher"):
            shown.append(CALLER_PHONE)
        return shown


def _client(user: Any) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.5")
    if user is not None:
        client.force_login(user)
    return client


def _state() -> tuple[Any, ...]:
    return (
        list(Application.objects.order_by("id").values_list("status", "delivery_method")),
        list(Case.objects.order_by("id").values_list("status", "due_at")),
        list(WorkItem.objects.order_by("id").values_list("assignee_id", "finished_at")),
        list(Ticket.objects.order_by("id").values_list("status", "lead_department_id")),
        ApplicationDraft.objects.count(), Visit.objects.count(), Rating.objects.count(),
        OneTimeNotice.objects.count(), Certificate.objects.count(),
        list(Delivery.objects.order_by("id").values_list("status", flat=True)),
    )


@pytest.fixture
def her(world, api) -> Her:
    return Her(world, api)


def _object_route(route: str) -> bool:
    return any(key in route for key in ("<str:number>", "<number>", "<case_id>",
                                        "<int:case_id>", "<int:draft_id>"))


def test_no_one_reads_her_data_through_any_page_or_operation(her):
    leaks, wrong = [], []
    for person, user in her.people.items():
        client = _client(user)
        for route in ROUTES:
            path = her.path(route)
            response = client.get(path)
            assert response.status_code < 500, (person, path, response.status_code)
            body = response.content.decode("utf-8", "replace")
            leaks += [(person, path, secret) for secret in her.secrets(person) if secret in body]
            if (_object_route(route) and not her.entitled(person, route)
                    and response.status_code not in NOT_FOUND_OR_REFUSED
                    and not (response.status_code == 302
                             and response["Location"].startswith("/accounts/login/"))):
                wrong.append((person, path, response.status_code))

    assert leaks == []
    assert wrong == []


def test_no_one_changes_her_things_through_any_write(her):
    before = _state()
    changed = []
    for person, user in her.people.items():
        client = _client(user)
        for route in ROUTES:
            if not _object_route(route) or her.entitled(person, route):
                continue
            path = her.path(route)
            as_json = client.post(path, json.dumps(KITCHEN_SINK),
                                  content_type="application/json")
            as_form = client.post(path, {k: v for k, v in KITCHEN_SINK.items()
                                         if isinstance(v, str | int)})
            for response in (as_json, as_form):
                assert response.status_code < 500, (person, path, response.status_code)
                assert response.status_code in {302, 400, 401, 403, 404, 405, 409, 422}, (
                    person, path, response.status_code)
            if _state() != before:
                changed.append((person, path))
                before = _state()

    assert changed == []


def test_she_and_the_staff_handling_her_case_still_get_in(her, world):
    mine = _client(world.citizen)
    reviewer = _client(world.reviewer(world.housing))

    assert mine.get(f"/me/applications/{her.number}/").status_code == 200
    assert mine.get(f"/api/v1/applications/{her.number}").status_code == 200
    assert reviewer.get(f"/workbench/cases/{her.case}/").status_code == 200
    assert _client(world.clerk).get(f"/hall/applications/{her.number}/").status_code == 200
    assert _client(her.people["agent"]).get(f"/hotline/tickets/{her.ticket}/").status_code == 200
