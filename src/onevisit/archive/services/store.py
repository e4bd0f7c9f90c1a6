"""Where packages are kept. By default each package is a directory of the archive
(ONEVISIT_ARCHIVE_DIR); with object storage configured (the "archive" storage, docs/deploy.md)
each is one tar object, a serialised bag (RFC 8493 §4: one top-level directory named as the
object without its extension), so that no machine needs a shared mount.

A package is built in a directory of its own and then stored in two steps: `stage` before
the registering transaction (the upload, under a name no other build uses) and `place`
inside it (the rename into the archive). A build that loses, or fails, is `discard`ed; what a
process that died left behind is removed by `stale_remove`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages

from onevisit.archive.models import ArchivePackage
from onevisit.archive.services.common import (
    BUILDING_PREFIX,
    archive_path,
    archive_root,
    slug,
    tree_remove,
)

STORAGE = "archive"
SERIALISATION = ".tar"


class PackageUnreadable(Exception):
    """The package cannot be opened: gone, or not a bag's serialisation."""


class PackageStore(Protocol):
    def building(self, number: str) -> Path:
        """A new, empty directory to build a package in."""

    def stage(self, building: Path, relative: str) -> str:
        """Before the registering transaction: store what can be stored; the path to
        register."""

    def place(self, building: Path, path: str) -> None:
        """Inside the registering transaction: make the package the one at `path`."""

    def discard(self, path: str) -> None:
        """A staged package that was not registered."""

    def opened(self, path: str) -> contextlib.AbstractContextManager[Path]:
        """The package as a directory to read, for as long as the context lasts."""

    def remove(self, path: str) -> None:
        """Destroy a registered package (disposal); nothing if it is gone already."""

    def stale_remove(self, *, older_than: float) -> int:
        """Remove what builds of processes that died left; how many."""


def package_store() -> PackageStore:
    if STORAGE in settings.STORAGES:
        return ObjectStore(storages[STORAGE])
    return DirectoryStore()


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class DirectoryStore:
    """Packages as directories of ONEVISIT_ARCHIVE_DIR, built beside them and renamed into
    place: a package directory is never half written."""

    def building(self, number: str) -> Path:
        root = archive_root()
        root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"{BUILDING_PREFIX}{slug(number)}-", dir=root))

    def stage(self, building: Path, relative: str) -> str:
        # Every file and directory on disk before it is registered: a power cut after the
        # commit must not leave a registered package with empty files.
        for path in sorted(building.rglob("*"), reverse=True):
            _fsync(path)
        _fsync(building)
        return relative

    def place(self, building: Path, path: str) -> None:
        target = archive_path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            # Left by a process that died between the rename and the commit: never
            # registered.
            tree_remove(target)
        os.rename(building, target)
        _fsync(target.parent)

    def discard(self, path: str) -> None:
        """Nothing was stored before the transaction; the build directory goes with the
        build."""

    @contextlib.contextmanager
    def opened(self, path: str) -> Iterator[Path]:
        root = archive_path(path)
        if not root.is_dir():
            raise PackageUnreadable(f"{path}: directory missing")
        yield root

    def remove(self, path: str) -> None:
        tree_remove(archive_path(path))

    def stale_remove(self, *, older_than: float) -> int:
        root = archive_root()
        if not root.is_dir():
            return 0
        removed = 0
        cutoff = time.time() - older_than
        for entry in root.iterdir():
            if entry.name.startswith(BUILDING_PREFIX) and entry.stat().st_mtime < cutoff:
                tree_remove(entry)
                removed += 1
        return removed


class ObjectStore:
    """Packages as tar objects in the archive's storage, uploaded whole under a name of their
    own before they are registered; read back by fetching and unpacking into a temporary
    directory."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def building(self, number: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{BUILDING_PREFIX}{slug(number)}-"))

    def stage(self, building: Path, relative: str) -> str:
        name = f"{relative}-{secrets.token_hex(4)}{SERIALISATION}"
        base = Path(name).name.removesuffix(SERIALISATION)
        with tempfile.TemporaryFile() as serialised:
            with tarfile.open(fileobj=serialised, mode="w", format=tarfile.PAX_FORMAT) as tar:
                tar.add(building, arcname=base, filter=_anonymous)
            serialised.seek(0)
            saved = self.storage.save(name, File(serialised, name=name))
        if saved != name:
            self.storage.delete(saved)
            raise RuntimeError(f"the archive's storage kept {name} as {saved}")
        return name

    def place(self, building: Path, path: str) -> None:
        """Stored whole when staged."""

    def discard(self, path: str) -> None:
        self.storage.delete(path)

    @contextlib.contextmanager
    def opened(self, path: str) -> Iterator[Path]:
        base = Path(path).name.removesuffix(SERIALISATION)
        with tempfile.TemporaryDirectory(prefix="onevisit-package-") as unpacked:
            try:
                handle = self.storage.open(path, "rb")
            except FileNotFoundError as error:
                raise PackageUnreadable(f"{path}: object missing") from error
            try:
                with handle, tarfile.open(fileobj=handle, mode="r:") as tar:
                    tar.extractall(unpacked, filter="data")
            except (tarfile.TarError, OSError) as error:
                raise PackageUnreadable(f"{path}: not a readable tar ({error})") from error
            root = Path(unpacked) / base
            if not root.is_dir() or {p.name for p in Path(unpacked).iterdir()} != {base}:
                raise PackageUnreadable(
                    f"{path}: the serialisation does not hold one directory {base}/")
            yield root

    def remove(self, path: str) -> None:
        self.storage.delete(path)

    def stale_remove(self, *, older_than: float) -> int:
        """Objects no package registers, older than `older_than`: a build whose process
        died between the upload and the commit."""
        cutoff = time.time() - older_than
        folders, _ = self.storage.listdir("")
        removed = 0
        for folder in folders:
            names = [f"{folder}/{name}" for name in self.storage.listdir(folder)[1]
                     if name.endswith(SERIALISATION)]
            registered = set(ArchivePackage.objects.filter(path__in=names)
                             .values_list("path", flat=True))
            for name in names:
                if (name not in registered
                        and self.storage.get_modified_time(name).timestamp() < cutoff):
                    self.storage.delete(name)
                    removed += 1
        return removed


def _anonymous(member: tarfile.TarInfo) -> tarfile.TarInfo:
    """Members carry no owner of the machine that built them."""
    member.uid = member.gid = 0
    member.uname = member.gname = ""
    return member
