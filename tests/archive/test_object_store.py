"""The archive in object storage (a real S3-compatible server): each package one tar object,
a serialised bag (RFC 8493 §4), checked for fixity by fetching it, destroyed by disposal,
and nothing left by a build that failed or a process that died."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import bagit
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from onevisit import clock
from onevisit.archive.models import ArchivePackage, DisposalList
from onevisit.archive.services import package_create
from onevisit.archive.services import packages as package_services
from onevisit.audit.models import AuditEvent
from tests.archive.conftest import licence_reject
from tests.conftest import S3Bucket

pytestmark = pytest.mark.django_db

DRAWINGS = "data/materials/02-upload-330106-ZJ-009-drawings.pdf"
NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def bucket(on_s3: S3Bucket) -> S3Bucket:
    return on_s3


@pytest.fixture
def package(bucket, world, api, immediate_tasks, django_capture_on_commit_callbacks
            ) -> ArchivePackage:
    number = licence_reject(world, api, django_capture_on_commit_callbacks)
    return ArchivePackage.objects.get(application__number=number)


def _archive_keys(bucket: S3Bucket) -> list[str]:
    return [key for key in bucket.keys() if key.startswith("archive/")]  # noqa: SIM118


def _members(content: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(content), mode="r:") as tar:
        return {member.name: tar.extractfile(member).read()  # type: ignore[union-attr]
                for member in tar.getmembers() if member.isfile()}


def _rewrite(bucket: S3Bucket, key: str, change: Any) -> None:
    """The object unpacked, changed by `change(directory)`, and packed again as it was."""
    with tempfile.TemporaryDirectory() as work:
        with tarfile.open(fileobj=io.BytesIO(bucket.read(key)), mode="r:") as tar:
            tar.extractall(work, filter="data")
        change(Path(work))
        packed = io.BytesIO()
        with tarfile.open(fileobj=packed, mode="w") as tar:
            for entry in sorted(Path(work).iterdir()):
                tar.add(entry, arcname=entry.name)
    bucket.write(key, packed.getvalue())


def _verify() -> tuple[str, str | None]:
    out = io.StringIO()
    try:
        with clock.frozen_at(NOW):
            call_command("archive", "verify", stdout=out, stderr=io.StringIO())
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


def test_a_package_is_one_tar_object_holding_one_valid_bag_and_nothing_on_disk(
        package, bucket):
    key = f"archive/{package.path}"
    assert _archive_keys(bucket) == [key]
    base = Path(package.path).name.removesuffix(".tar")
    assert package.path.startswith("2026/")
    assert base.startswith(package.application.number)
    members = _members(bucket.read(key))
    assert {name.split("/", 1)[0] for name in members} == {base}
    assert f"{base}/bagit.txt" in members
    assert f"{base}/{DRAWINGS}" in members
    with tempfile.TemporaryDirectory() as work:
        with tarfile.open(fileobj=io.BytesIO(bucket.read(key)), mode="r:") as tar:
            tar.extractall(work, filter="data")
        bag = bagit.Bag(str(Path(work) / base))
        assert bag.is_valid()
        assert bag.info["External-Identifier"] == package.application.number
    archive_dir = Path(settings.ONEVISIT["ARCHIVE_DIR"])
    assert not archive_dir.exists() or list(archive_dir.iterdir()) == []

    out, failure = _verify()
    assert (out, failure) == ("1 个档案包校验完好\n", None)
    package.refresh_from_db()
    assert (package.status, package.last_verified_at) == ("archived", NOW)


def test_archiving_again_stores_no_second_object(package, bucket):
    again = package_create(application_number=package.application.number)

    assert again.pk == package.pk
    assert _archive_keys(bucket) == [f"archive/{package.path}"]


def test_a_changed_byte_in_the_object_is_named_with_both_digests(package, bucket):
    key = f"archive/{package.path}"
    base = Path(package.path).name.removesuffix(".tar")
    recorded = hashlib.sha256(_members(bucket.read(key))[f"{base}/{DRAWINGS}"]).hexdigest()

    def flip(work: Path) -> None:
        drawings = work / base / DRAWINGS
        content = bytearray(drawings.read_bytes())
        content[len(content) // 2] ^= 0x01
        drawings.write_bytes(bytes(content))

    _rewrite(bucket, key, flip)
    changed = hashlib.sha256(_members(bucket.read(key))[f"{base}/{DRAWINGS}"]).hexdigest()

    _out, failure = _verify()

    assert failure == "1 个档案包已损坏（共校验 1 个）"
    package.refresh_from_db()
    assert package.status == "damaged"
    assert package.damage == [{"kind": "changed", "path": DRAWINGS, "expected": recorded,
                               "found": changed}]
    assert AuditEvent.objects.filter(action="archive_package.damaged").count() == 1


@pytest.mark.parametrize(("spoil", "detail"), [
    ("delete", "object missing"),
    ("garbage", "not a readable tar"),
    ("renamed", "does not hold one directory"),
])
def test_an_object_gone_or_not_a_bag_is_unreadable(package, bucket, spoil, detail):
    key = f"archive/{package.path}"
    if spoil == "delete":
        bucket.client.delete_object(Bucket=bucket.name, Key=key)
    elif spoil == "garbage":
        bucket.write(key, b"%PDF-1.4 not a tar at all" * 40)
    else:
        base = Path(package.path).name.removesuffix(".tar")
        _rewrite(bucket, key, lambda work: (work / base).rename(work / "other"))

    _out, failure = _verify()

    assert failure is not None
    package.refresh_from_db()
    assert package.status == "damaged"
    assert [problem["kind"] for problem in package.damage] == ["unreadable"]
    assert detail in package.damage[0]["detail"]


def test_a_registration_that_fails_leaves_no_object(
        bucket, world, api, django_capture_on_commit_callbacks, monkeypatch):
    number = licence_reject(world, api, django_capture_on_commit_callbacks)

    def registration_dies(**kwargs: Any) -> None:
        raise OSError("database gone")

    monkeypatch.setattr(package_services, "_package_register", registration_dies)
    with pytest.raises(OSError, match="database gone"):
        package_create(application_number=number)

    assert not ArchivePackage.objects.exists()
    assert _archive_keys(bucket) == []
    monkeypatch.undo()
    package = package_create(application_number=number)
    assert _archive_keys(bucket) == [f"archive/{package.path}"]


def test_the_catch_up_removes_objects_no_package_registers_once_a_day_old(package, bucket):
    """A process that died between the upload and the commit left an object no row names;
    a day later the catch-up removes it. Registered packages and young uploads stay."""
    orphan = "archive/2026/OV-died-0badc0de.tar"
    bucket.write(orphan, b"half")
    registered = f"archive/{package.path}"

    call_command("archive", "create", "--pending", stdout=io.StringIO())
    assert _archive_keys(bucket) == sorted([orphan, registered])

    # The object store keeps real times: "a day old" is every object here.
    assert package_services.builds_stale_remove(older_than=0) == 1
    assert _archive_keys(bucket) == [registered]


def test_disposal_deletes_the_object_and_keeps_the_tombstone(package, bucket, world):
    ArchivePackage.objects.filter(pk=package.pk).update(retain_until=dt.date(2026, 12, 31))
    later = dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC)
    with clock.frozen_at(later):
        call_command("archive", "disposal", "propose", stdout=io.StringIO())
        listed = str(DisposalList.objects.get().pk)
        call_command("archive", "disposal", "approve", listed, "--by",
                     world.supervisor.username, stdout=io.StringIO())
        call_command("archive", "disposal", "execute", listed, stdout=io.StringIO())

    assert _archive_keys(bucket) == []
    package.refresh_from_db()
    assert (package.status, package.disposed_at) == ("disposed", later)
