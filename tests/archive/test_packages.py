"""A closed application is archived as one BagIt package: what it holds, how long it is
kept, and that archiving is atomic and idempotent."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
from pathlib import Path
from typing import Any

import bagit
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from onevisit import clock
from onevisit.applications.models import Application, ApplicationMaterial
from onevisit.archive.constants import (
    RETENTION_BY_KIND,
    RetentionClass,
    retain_until,
    retention_for_kinds,
)
from onevisit.archive.models import ArchivePackage
from onevisit.archive.services import package_create, package_store
from onevisit.audit.models import AuditEvent
from onevisit.catalogue.constants import ItemKind
from onevisit.catalogue.models import ServiceItem
from onevisit.certificates.models import Certificate
from onevisit.certificates.services import certificate_pdf
from onevisit.errors import Conflict
from tests.archive.conftest import (
    bag_files,
    house_complete,
    licence_reject,
    package_root,
)
from tests.conftest import PDF, PNG

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["folder", "s3"])
def uploads_in(request: pytest.FixtureRequest) -> str:
    """Uploads (and the documents onevisit makes) in the local folder, or in object storage
    on a real S3-compatible server."""
    if request.param == "s3":
        request.getfixturevalue("on_s3")
    return str(request.param)


def _replace_upload(name: str, content: bytes) -> None:
    """Someone with access to the storage swaps a filed upload's bytes."""
    default_storage.delete(name)
    assert default_storage.save(name, ContentFile(content)) == name

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _json(root: Path, path: str) -> Any:
    return json.loads((root / "data" / path).read_text(encoding="utf-8"))


def _bag_info(root: Path) -> dict[str, Any]:
    return bagit.Bag(str(root)).info


def _recomputed(event: dict[str, Any]) -> str:
    """The recipe docs/archive.md gives for checking an excerpt's entry."""
    canonical = json.dumps(
        [event["seq"], event["occurred_at"], event["actor_id"], event["action"],
         event["entity"], event["entity_id"], event["data"], event["prev_hash"]],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_a_completed_life_event_is_archived_as_a_valid_bag_with_all_it_produced(
    world, api, immediate_tasks, django_capture_on_commit_callbacks
):
    number = house_complete(world, api, django_capture_on_commit_callbacks)

    package = ArchivePackage.objects.get()
    application = Application.objects.get(number=number)
    certificate = Certificate.objects.get()
    root = package_root(package)
    assert package.application == application
    assert package.status == "archived"
    assert package.path == f"{application.completed_at.astimezone(SHANGHAI):%Y}/{number}"
    assert bagit.Bag(str(root)).validate() is True
    assert bag_files(root) == [
        "bag-info.txt", "bagit.txt",
        "data/application.json", "data/audit.json",
        "data/cases/filing.json", "data/cases/tax.json", "data/cases/transfer.json",
        f"data/certificates/{certificate.number}.json",
        f"data/certificates/{certificate.number}.pdf",
        f"data/documents/receipt-{application.receipt_number}.pdf",
        "data/materials/01-evidence-property-certificate.evidence.json",
        "data/materials/02-upload-330106-FW-001-sales-contract.pdf",
        "data/materials/03-evidence-resident-id-card.evidence.json",
        "data/materials/04-upload-330106-SW-001-tax-form.png",
        "data/materials/05-upload-330106-BDC-001-application-form.pdf",
        "manifest-sha256.txt", "tagmanifest-sha256.txt",
    ]
    info = _bag_info(root)
    assert info["External-Identifier"] == number
    assert info["Internal-Sender-Identifier"] == application.receipt_number
    assert info["Source-Organization"] == [
        "西湖区住房和城乡建设局", "国家税务总局杭州市西湖区税务局", "西湖区不动产登记中心",
    ]
    assert info["Bagging-Date"] == f"{clock.now().astimezone(SHANGHAI):%Y-%m-%d}"
    assert info["Retention-Class"] == "30y"
    assert info["Payload-Oxum"] == package.payload_oxum
    assert package.manifest_sha256 == hashlib.sha256(
        (root / "manifest-sha256.txt").read_bytes()).hexdigest()

    filed = _json(root, "application.json")
    assert filed["number"] == number
    assert filed["status"] == "completed"
    assert filed["applicant"]["id_number"] == world.citizen_id
    assert filed["fields"]["data"]["price"] == "1850000.00"
    assert [change["status"] for change in filed["status_history"]] == [
        "submitted", "accepted", "completed",
    ]
    assert filed["visits"] == []
    assert filed["receipt"]["number"] == application.receipt_number
    assert [(m["key"], m["status"]) for m in filed["materials"]] == [
        ("evidence:property-certificate", "fetched"),
        ("upload:330106-FW-001:sales-contract", "uploaded"),
        ("evidence:resident-id-card", "fetched"),
        ("upload:330106-SW-001:tax-form", "uploaded"),
        ("upload:330106-BDC-001:application-form", "uploaded"),
    ]
    assert (root / "data/materials/02-upload-330106-FW-001-sales-contract.pdf").read_bytes() == PDF
    assert (root / "data/materials/04-upload-330106-SW-001-tax-form.png").read_bytes() == PNG
    assert _json(root, "materials/01-evidence-property-certificate.evidence.json")[
        "evidence"] == {"number": "浙(2019)杭州市不动产权第0123456号"}

    transfer = _json(root, "cases/transfer.json")
    assert transfer["department"]["name"] == "西湖区不动产登记中心"
    assert transfer["decision"]["status"] == "approved"
    assert transfer["decision"]["reason"] == "材料齐全，准予登记"
    assert transfer["decision"]["decided_by"]["username"] == "reviewer-xh-bdc"
    assert [step["status"] for step in transfer["timeline"]] == [
        "waiting", "pending", "in_review", "approved",
    ]
    assert [(w["assignee"]["username"], w["outcome"]) for w in transfer["work_items"]] == [
        ("reviewer-xh-bdc", "approved"),
    ]

    sealed = (root / f"data/certificates/{certificate.number}.pdf").read_bytes()
    assert sealed.startswith(b"%PDF")
    assert sealed == certificate_pdf(certificate=certificate)
    assert _json(root, f"certificates/{certificate.number}.json")["verification_code"] == (
        certificate.verification_code)

    events = _json(root, "audit.json")["events"]
    actions = [event["action"] for event in events]
    assert actions[:2] == ["application.submitted", "application.accepted"]
    assert actions.count("case.approved") == 3
    assert "certificate.issued" in actions
    assert "application.completed" in actions
    stored = {e.seq: e.hash for e in AuditEvent.objects.filter(seq__in=[x["seq"] for x in events])}
    for event in events:
        assert _recomputed(event) == event["hash"] == stored[event["seq"]]
    for before, after in itertools.pairwise(events):
        if after["seq"] == before["seq"] + 1:
            assert after["prev_hash"] == before["hash"]


def test_a_refused_application_is_archived_with_the_refusal_and_its_legal_basis(
    world, api, immediate_tasks, django_capture_on_commit_callbacks, uploads_in
):
    number = licence_reject(world, api, django_capture_on_commit_callbacks)

    uploads = ApplicationMaterial.objects.filter(application__number=number).exclude(file="")
    assert uploads.exists()
    # In object storage, nothing of them is on this machine's disk.
    assert {(Path(settings.MEDIA_ROOT) / upload.file).is_file() for upload in uploads} == {
        uploads_in == "folder"}
    package = ArchivePackage.objects.get(application__number=number)
    # The package follows the files: a directory of the archive, or one object.
    assert package.path.endswith(".tar") == (uploads_in == "s3")
    with package_store().opened(package.path) as root:
        _refusal_archived(root, number)


def _refusal_archived(root: Path, number: str) -> None:
    assert bagit.Bag(str(root)).validate() is True
    assert _json(root, "application.json")["status"] == "rejected"
    decision = _json(root, "cases/main.json")["decision"]
    assert decision["status"] == "rejected"
    assert decision["reason"] == "施工图审查不合格"
    assert decision["legal_basis"] == "《建筑工程施工许可管理办法》第四条"
    # The written refusal (不予许可决定书) is kept with it, sealed, like a result.
    refusal = Certificate.objects.get(application__number=number)
    assert sorted(p.name for p in (root / "data/certificates").iterdir()) == [
        f"{refusal.number}.json", f"{refusal.number}.pdf"]
    assert _json(root, f"certificates/{refusal.number}.json")["title"] == "不予许可决定书"
    assert "application.rejected" in [e["action"] for e in _json(root, "audit.json")["events"]]
    assert (root / "data/materials/02-upload-330106-ZJ-009-drawings.pdf").read_bytes() == PDF


KEPT_BY_KIND = [
    (ItemKind.CONFIRMATION, "permanent", None),
    (ItemKind.LICENSING, "30y", dt.date(2056, 12, 31)),
    (ItemKind.PAYMENT, "30y", dt.date(2056, 12, 31)),
    (ItemKind.OTHER_POWER, "10y", dt.date(2036, 12, 31)),
    (ItemKind.PUBLIC_SERVICE, "10y", dt.date(2036, 12, 31)),
]


def test_each_kind_of_item_is_kept_as_the_retention_table_says(
    world, api, immediate_tasks, django_capture_on_commit_callbacks
):
    kept = []
    for kind, _retention, _until in KEPT_BY_KIND:
        ServiceItem.objects.filter(pk=world.licence.pk).update(kind=kind)
        with clock.frozen_at(dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)):
            number = licence_reject(world, api, django_capture_on_commit_callbacks)
        package = ArchivePackage.objects.get(application__number=number)
        info = _bag_info(package_root(package))
        kept.append((kind, package.retention, package.retain_until))
        assert info["Retention-Class"] == package.retention
        assert info["Retain-Until"] == (
            package.retain_until.isoformat() if package.retain_until else "permanent")

    assert kept == KEPT_BY_KIND


def test_every_kind_of_item_has_a_retention_with_its_source():
    assert set(RETENTION_BY_KIND) == set(ItemKind.values)
    assert all(rule.source for rule in RETENTION_BY_KIND.values())


@pytest.mark.parametrize(("kinds", "expected"), [
    (["public_service", "other_power"], RetentionClass.YEARS_10),
    (["public_service", "payment", "other_power"], RetentionClass.YEARS_30),
    (["licensing", "confirmation", "public_service"], RetentionClass.PERMANENT),
    (["a-kind-nobody-defined"], RetentionClass.PERMANENT),
    ([], RetentionClass.PERMANENT),
])
def test_a_file_is_kept_as_long_as_its_longest_kept_item(kinds, expected):
    assert retention_for_kinds(kinds) == expected


def test_a_life_event_is_kept_as_long_as_its_longest_kept_item(
    world, api, immediate_tasks, django_capture_on_commit_callbacks
):
    ServiceItem.objects.filter(pk=world.filing.pk).update(kind=ItemKind.PUBLIC_SERVICE)
    ServiceItem.objects.filter(pk=world.tax_item.pk).update(kind=ItemKind.PAYMENT)
    kept = []
    for transfer_kind in (ItemKind.OTHER_POWER, ItemKind.CONFIRMATION):
        ServiceItem.objects.filter(pk=world.transfer.pk).update(kind=transfer_kind)
        with clock.frozen_at(dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)):
            number = house_complete(world, api, django_capture_on_commit_callbacks)
        package = ArchivePackage.objects.get(application__number=number)
        kept.append((package.retention, package.retain_until))

    # 10 years, 30 years (the tax payment), 10 years → 30; with a confirmation → permanent.
    assert kept == [("30y", dt.date(2056, 12, 31)), ("permanent", None)]


@pytest.mark.filterwarnings("ignore::onevisit.workdays.calendar.CalendarNotCoveredWarning")
def test_retention_counts_from_the_year_after_closing_in_china_time(
    world, api, immediate_tasks, django_capture_on_commit_callbacks
):
    ServiceItem.objects.filter(pk=world.licence.pk).update(kind=ItemKind.PUBLIC_SERVICE)

    # 16:30 UTC on 31 December is half past midnight on 1 January in Hangzhou.
    with clock.frozen_at(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)):
        number = licence_reject(world, api, django_capture_on_commit_callbacks)

    package = ArchivePackage.objects.get(application__number=number)
    assert package.retain_until == dt.date(2037, 12, 31)
    assert package.path == f"2027/{number}"
    assert retain_until(retention="10y", closed_on=dt.date(2026, 12, 31)) == dt.date(2036, 12, 31)


def _snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes())
            for p in root.rglob("*") if p.is_file()}


def test_archiving_an_archived_application_again_changes_nothing(
    world, api, immediate_tasks, django_capture_on_commit_callbacks
):
    number = licence_reject(world, api, django_capture_on_commit_callbacks)
    package = ArchivePackage.objects.get()
    before = _snapshot(package_root(package))

    again = package_create(application_number=number)
    out = io.StringIO()
    call_command("archive", "create", "--pending", stdout=out)
    call_command("archive", "create", number, stdout=io.StringIO())

    assert again.pk == package.pk
    assert "新归档 0 件" in out.getvalue()
    assert ArchivePackage.objects.count() == 1
    assert _snapshot(package_root(package)) == before
    assert AuditEvent.objects.filter(action="archive_package.created").count() == 1
    archive = Path(settings.ONEVISIT["ARCHIVE_DIR"])
    assert sorted(p.name for p in archive.iterdir()) == [package.path.split("/")[0]]


def test_closing_enqueues_the_archive_task_after_commit_and_the_catch_up_archives(
    world, api, django_capture_on_commit_callbacks
):
    """With the default database queue and no worker running, the task waits; the
    catch-up archives what has no package, and leaves open applications alone."""
    closed = licence_reject(world, api, django_capture_on_commit_callbacks)
    still_open = api["citizen"].post("/applications", world.licence_payload()).json()["number"]
    queued = DBTaskResult.objects.filter(task_path="onevisit.archive.tasks.package_create_task")
    assert [task.args_kwargs["args"] for task in queued] == [[closed]]
    assert not ArchivePackage.objects.exists()

    out = io.StringIO()
    call_command("archive", "create", "--pending", stdout=out)

    package = ArchivePackage.objects.get()
    assert package.application.number == closed
    assert f"{closed}：已归档于 {package.path}" in out.getvalue()
    assert "新归档 1 件" in out.getvalue()
    assert not ArchivePackage.objects.filter(application__number=still_open).exists()
    assert bagit.Bag(str(package_root(package))).is_valid()


def test_a_build_that_fails_half_way_registers_nothing_and_a_retry_archives(
    world, api, django_capture_on_commit_callbacks, monkeypatch
):
    number = licence_reject(world, api, django_capture_on_commit_callbacks)
    archive = Path(settings.ONEVISIT["ARCHIVE_DIR"])

    def make_bag_dies(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(bagit, "make_bag", make_bag_dies)
    with pytest.raises(OSError, match="disk full"):
        package_create(application_number=number)

    assert not ArchivePackage.objects.exists()
    assert not AuditEvent.objects.filter(action="archive_package.created").exists()
    assert list(archive.iterdir()) == []

    monkeypatch.undo()
    package = package_create(application_number=number)
    assert bagit.Bag(str(package_root(package))).is_valid()


def test_a_directory_left_by_a_process_that_died_before_registering_is_replaced(
    world, api, django_capture_on_commit_callbacks
):
    """A process that died between renaming the package into place and committing its
    registration left a directory no row names; the retry replaces it."""
    number = licence_reject(world, api, django_capture_on_commit_callbacks)
    year = f"{Application.objects.get(number=number).completed_at.astimezone(SHANGHAI):%Y}"
    orphan = Path(settings.ONEVISIT["ARCHIVE_DIR"]) / year / number
    (orphan / "data").mkdir(parents=True)
    (orphan / "data" / "half.json").write_text("{")
    stale = Path(settings.ONEVISIT["ARCHIVE_DIR"]) / f".building-{number}-dead"
    stale.mkdir()

    call_command("archive", "create", number, stdout=io.StringIO())

    package = ArchivePackage.objects.get()
    assert package_root(package) == orphan
    assert not (orphan / "data" / "half.json").exists()
    assert bagit.Bag(str(orphan)).is_valid()


def test_an_upload_missing_from_storage_stops_archiving_with_its_name(
    world, api, django_capture_on_commit_callbacks, uploads_in
):
    number = licence_reject(world, api, django_capture_on_commit_callbacks)
    drawings = ApplicationMaterial.objects.get(application__number=number,
                                               key="upload:330106-ZJ-009:drawings")
    default_storage.delete(drawings.file)

    with pytest.raises(CommandError, match="施工图设计文件审查合格书"):
        call_command("archive", "create", number)

    assert not ArchivePackage.objects.exists()
    archive = Path(settings.ONEVISIT["ARCHIVE_DIR"])
    assert not archive.exists() or list(archive.iterdir()) == []
    if uploads_in == "s3":
        assert storages["archive"].listdir("") == ([], [])


def test_an_upload_changed_since_it_was_filed_is_not_archived(
    world, api, django_capture_on_commit_callbacks, uploads_in
):
    number = licence_reject(world, api, django_capture_on_commit_callbacks)
    drawings = ApplicationMaterial.objects.get(application__number=number,
                                               key="upload:330106-ZJ-009:drawings")
    _replace_upload(drawings.file, b"%PDF-1.4\n% swapped\n")

    err = io.StringIO()
    with pytest.raises(CommandError, match="1 件未能归档"):
        call_command("archive", "create", "--pending", stdout=io.StringIO(), stderr=err)

    assert "与提交时的校验值不符" in err.getvalue()
    assert not ArchivePackage.objects.exists()


def test_an_open_application_is_not_archived(world, api):
    number = api["citizen"].post("/applications", world.licence_payload()).json()["number"]

    with pytest.raises(Conflict, match="办结或不予许可后才能归档"):
        package_create(application_number=number)
    with pytest.raises(CommandError, match="办结或不予许可后才能归档"):
        call_command("archive", "create", number)

    assert not ArchivePackage.objects.exists()


@pytest.mark.parametrize(("args", "message"), [
    ([], "二者选一"),
    (["--pending", "OV2026000000001"], "二者选一"),
    (["OV1999000000001"], "办件 OV1999000000001 不存在"),
])
def test_create_refuses_bad_input_with_a_clear_message(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("archive", "create", *args)

    assert not ArchivePackage.objects.exists()
