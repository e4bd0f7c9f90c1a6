"""Finished applications to give a verdict on."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from onevisit.applications.models import Application
from onevisit.workflow.services import case_approve, case_claim


@pytest.fixture
def finish(world, api) -> Callable[..., str]:
    """File an application through the API and have every department approve it."""

    def _finish(payload: dict | None = None, who: str = "citizen") -> str:
        body = payload or world.licence_payload()
        number = api[who].post("/applications", body).json()["number"]
        application = Application.objects.get(number=number)
        for case in application.cases.select_related("department").order_by("id"):
            reviewer = world.reviewer(case.department)
            case_claim(case_id=case.pk, actor=reviewer)
            case_approve(case_id=case.pk, actor=reviewer, note="")
        application.refresh_from_db()
        assert application.status == "completed"
        return number

    return _finish
