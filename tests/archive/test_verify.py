"""`onevisit archive verify`: fixity of every package, and the damage named file by file."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
from pathlib import Path

import bagit
import pytest
from django.core.management import CommandError, call_command

from onevisit import clock
from onevisit.archive.models import ArchivePackage
from onevisit.audit.models import AuditEvent
from tests.archive.conftest import licence_reject, package_root

pytestmark = pytest.mark.django_db

DRAWINGS = "data/materials/02-upload-330106-ZJ-009-drawings.pdf"
NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def package(world, api, immediate_tasks, django_capture_on_commit_callbacks) -> ArchivePackage:
    number = licence_reject(world, api, django_capture_on_commit_callbacks)
    return ArchivePackage.objects.get(application__number=number)


def _verify() -> tuple[str, str, str | None]:
    """stdout, stderr, and the CommandError's message if the command failed."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with clock.frozen_at(NOW):
            call_command("archive", "verify", stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), str(error)
    return out.getvalue(), err.getvalue(), None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_whole_package_passes_and_is_marked_verified(package):
    out, err, failure = _verify()

    assert failure is None
    assert out == "1 个档案包校验完好\n"
    assert err == ""
    package.refresh_from_db()
    assert (package.status, package.damage, package.last_verified_at) == ("archived", [], NOW)


def test_a_changed_byte_is_named_with_both_digests_and_the_package_marked_damaged(package):
    drawings = package_root(package) / DRAWINGS
    recorded = _sha256(drawings)
    content = bytearray(drawings.read_bytes())
    content[-2] ^= 0x01
    drawings.write_bytes(bytes(content))

    _out, err, failure = _verify()

    found = _sha256(drawings)
    assert failure == "1 个档案包已损坏（共校验 1 个）"
    assert err.splitlines() == [
        f"{package.application.number}（{package.path}）：已损坏",
        f"  - {DRAWINGS}：校验值不符（登记为 {recorded}，实为 {found}）",
    ]
    package.refresh_from_db()
    assert package.status == "damaged"
    assert package.damage == [
        {"kind": "changed", "path": DRAWINGS, "expected": recorded, "found": found},
    ]
    assert package.last_verified_at == NOW
    event = AuditEvent.objects.get(action="archive_package.damaged")
    assert event.entity_id == package.application.number
    assert event.data == {"damage": package.damage}


def test_a_deleted_file_is_named_missing(package):
    (package_root(package) / "data/cases/main.json").unlink()

    _out, err, failure = _verify()

    assert failure == "1 个档案包已损坏（共校验 1 个）"
    assert "  - data/cases/main.json：文件缺失（清单中有，档案包中没有）" in err.splitlines()
    package.refresh_from_db()
    assert package.status == "damaged"
    assert package.damage == [{"kind": "missing", "path": "data/cases/main.json"}]


def test_an_added_file_is_named_extra(package):
    (package_root(package) / "data/materials/readme.txt").write_text("added later")

    _out, err, failure = _verify()

    assert failure == "1 个档案包已损坏（共校验 1 个）"
    assert "  - data/materials/readme.txt：清单外多出的文件" in err.splitlines()
    package.refresh_from_db()
    assert package.damage == [{"kind": "extra", "path": "data/materials/readme.txt"}]


def test_a_package_restored_from_a_copy_is_archived_again(package):
    drawings = package_root(package) / DRAWINGS
    original = drawings.read_bytes()
    drawings.write_bytes(original.replace(b"test", b"TEST"))
    assert _verify()[2] is not None

    drawings.write_bytes(original)
    out, _err, failure = _verify()

    assert failure is None
    assert out == "1 个档案包校验完好\n"
    package.refresh_from_db()
    assert (package.status, package.damage) == ("archived", [])
    assert AuditEvent.objects.filter(action="archive_package.archived",
                                     entity_id=package.application.number).count() == 1


def test_a_package_bagged_anew_over_a_changed_file_does_not_pass(package):
    """Recomputing the manifests makes the bag valid to bagit; the digest registered at
    archiving tells it apart."""
    root = package_root(package)
    recorded = _sha256(root / "manifest-sha256.txt")
    drawings = root / DRAWINGS
    drawings.write_bytes(drawings.read_bytes().replace(b"test", b"TEST"))
    bag = bagit.Bag(str(root))
    bag.save(manifests=True)
    assert bag.is_valid()

    recorded_tags = package.tagmanifest_sha256

    _out, err, failure = _verify()

    assert failure == "1 个档案包已损坏（共校验 1 个）"
    found = _sha256(root / "manifest-sha256.txt")
    found_tags = _sha256(root / "tagmanifest-sha256.txt")
    package.refresh_from_db()
    assert package.damage == [
        {"kind": "registration", "path": "manifest-sha256.txt", "expected": recorded,
         "found": found},
        {"kind": "registration", "path": "tagmanifest-sha256.txt", "expected": recorded_tags,
         "found": found_tags},
    ]
    assert f"manifest-sha256.txt：与归档登记不符（登记为 {recorded}，实为 {found}）" in err


def _retain_until_moved(package: ArchivePackage) -> str:
    """bag-info.txt edited to keep the package until 2099; the registered last day."""
    info = package_root(package) / "bag-info.txt"
    text = info.read_text(encoding="utf-8")
    registered = package.retain_until.isoformat()
    assert f"Retain-Until: {registered}\n" in text
    info.write_text(text.replace(f"Retain-Until: {registered}", "Retain-Until: 2099-12-31"),
                    encoding="utf-8")
    return registered


def test_a_bag_is_bagit_1_0_with_a_tag_manifest_registered_at_archiving(package):
    root = package_root(package)

    assert (root / "bagit.txt").read_text(encoding="utf-8") == (
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    bag = bagit.Bag(str(root))
    assert bag.version_info == (1, 0)
    assert bag.validate() is True
    lines = (root / "tagmanifest-sha256.txt").read_text(encoding="utf-8").splitlines()
    assert sorted(line.split(" ", 1)[1] for line in lines) == [
        "bag-info.txt", "bagit.txt", "manifest-sha256.txt"]
    for line in lines:
        digest, name = line.split(" ", 1)
        assert digest == _sha256(root / name)
    assert package.tagmanifest_sha256 == _sha256(root / "tagmanifest-sha256.txt")


def test_an_edited_bag_info_is_named(package):
    """A later Retain-Until typed into bag-info.txt: the tag manifest no longer matches."""
    root = package_root(package)
    registered = _retain_until_moved(package)

    _out, err, failure = _verify()

    assert failure == "1 个档案包已损坏（共校验 1 个）"
    package.refresh_from_db()
    assert package.status == "damaged"
    found = _sha256(root / "bag-info.txt")
    changed = next(p for p in package.damage if p["kind"] == "changed")
    assert changed["path"] == "bag-info.txt"
    assert changed["found"] == found
    assert package.damage[-1] == {"kind": "registration", "path": "bag-info.txt Retain-Until",
                                  "expected": registered, "found": "2099-12-31"}
    assert (f"  - bag-info.txt Retain-Until：与归档登记不符（登记为 {registered}，实为 2099-12-31）"
            in err.splitlines())


def test_an_edited_bag_info_with_its_tag_manifest_written_again_is_named(package):
    """bagit finds such a bag valid; the tag manifest registered at archiving does not."""
    root = package_root(package)
    recorded = package.tagmanifest_sha256
    registered = _retain_until_moved(package)
    bag = bagit.Bag(str(root))
    bag.save()
    assert bag.is_valid()

    _out, err, failure = _verify()

    assert failure == "1 个档案包已损坏（共校验 1 个）"
    package.refresh_from_db()
    assert package.damage == [
        {"kind": "registration", "path": "bag-info.txt Retain-Until",
         "expected": registered, "found": "2099-12-31"},
        {"kind": "registration", "path": "tagmanifest-sha256.txt", "expected": recorded,
         "found": _sha256(root / "tagmanifest-sha256.txt")},
    ]
    assert "tagmanifest-sha256.txt：与归档登记不符" in err


def test_an_edited_bag_info_with_its_tag_manifest_removed_is_named(package):
    root = package_root(package)
    registered = _retain_until_moved(package)
    (root / "tagmanifest-sha256.txt").unlink()
    assert bagit.Bag(str(root)).is_valid()

    _out, err, failure = _verify()

    assert failure == "1 个档案包已损坏（共校验 1 个）"
    package.refresh_from_db()
    assert package.damage == [
        {"kind": "registration", "path": "bag-info.txt Retain-Until",
         "expected": registered, "found": "2099-12-31"},
        {"kind": "missing", "path": "tagmanifest-sha256.txt"},
    ]
    assert "  - tagmanifest-sha256.txt：文件缺失（清单中有，档案包中没有）" in err.splitlines()


def test_a_package_written_as_bagit_0_97_before_tag_manifests_were_registered_verifies(
    package
):
    """Packages made before: BagIt 0.97, no tag manifest digest registered. Whole, they
    pass; their bag-info.txt is still held to the registration."""
    root = package_root(package)
    (root / "bagit.txt").write_text("BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n",
                                    encoding="utf-8")
    bagit.Bag(str(root)).save()
    ArchivePackage.objects.filter(pk=package.pk).update(tagmanifest_sha256="")

    assert _verify()[2] is None

    registered = _retain_until_moved(package)
    bagit.Bag(str(root)).save()
    _out, _err, failure = _verify()

    assert failure == "1 个档案包已损坏（共校验 1 个）"
    package.refresh_from_db()
    assert package.damage == [
        {"kind": "registration", "path": "bag-info.txt Retain-Until",
         "expected": registered, "found": "2099-12-31"},
    ]


def test_a_package_directory_gone_is_reported_unreadable(package):
    shutil.rmtree(package_root(package))

    _out, err, failure = _verify()

    assert failure == "1 个档案包已损坏（共校验 1 个）"
    assert "档案包无法读取" in err
    package.refresh_from_db()
    assert package.status == "damaged"
    assert [problem["kind"] for problem in package.damage] == ["unreadable"]


def test_verify_names_only_the_damaged_package_among_good_ones(
    world, api, immediate_tasks, django_capture_on_commit_callbacks, package
):
    other = ArchivePackage.objects.get(
        application__number=licence_reject(world, api, django_capture_on_commit_callbacks))
    (package_root(other) / "data/audit.json").write_text("{}")

    _out, err, failure = _verify()

    assert failure == "1 个档案包已损坏（共校验 2 个）"
    assert other.application.number in err
    assert package.application.number not in err
    statuses = dict(ArchivePackage.objects.values_list("pk", "status"))
    assert statuses == {package.pk: "archived", other.pk: "damaged"}
