"""Closed applications to archive: the 二手房 life event completed, the 施工许可 refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from onevisit.archive.models import ArchivePackage
from tests.conftest import World


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Tasks run as they are enqueued (after the commit), as a worker would run them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def case_id(body: dict[str, Any], stage: str) -> int:
    return next(c["id"] for c in body["cases"] if c["stage_key"] == stage)


def house_complete(world: World, api: dict[str, Any], capture: Any) -> str:
    """File the 二手房 life event and approve its three cases; the last approval's
    after-commit work (certificate, archive) runs."""
    response = api["citizen"].post("/applications", world.house_payload())
    assert response.status_code == 201, response.json()
    body = response.json()
    api["reviewer:xh-zjj"].decide(case_id(body, 'filing'))
    api["reviewer:xh-sw"].decide(case_id(body, 'tax'))
    with capture(execute=True):
        last = api["reviewer:xh-bdc"].decide(case_id(body, 'transfer'), "approve",
                                           {"note": "材料齐全，准予登记"})
    assert last.json()["application_status"] == "completed"
    return str(body["number"])


def licence_reject(world: World, api: dict[str, Any], capture: Any) -> str:
    """File the 施工许可 and refuse it, with its reason and legal basis."""
    response = api["citizen"].post("/applications", world.licence_payload())
    assert response.status_code == 201, response.json()
    body = response.json()
    with capture(execute=True):
        refused = api["reviewer:xh-zjj"].decide(
            case_id(body, "main"), "reject",
            {"reason": "施工图审查不合格", "legal_basis": "《建筑工程施工许可管理办法》第四条"},
        )
    assert refused.status_code == 200, refused.json()
    return str(body["number"])


def package_root(package: ArchivePackage) -> Path:
    return Path(settings.ONEVISIT["ARCHIVE_DIR"]) / package.path


def bag_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

