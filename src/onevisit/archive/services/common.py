"""Where packages live, how their states move, and the problems verification reports."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from onevisit.archive.constants import (
    ALLOWED_DISPOSAL_TRANSITIONS,
    ALLOWED_PACKAGE_TRANSITIONS,
    DisposalStatus,
    PackageStatus,
    ProblemKind,
)
from onevisit.archive.models import ArchivePackage, DisposalList
from onevisit.audit.services import audit_record
from onevisit.errors import Conflict

# A package being built: a directory of the archive whose name starts with this. It is
# renamed into place only when complete, so a package directory is never half written.
BUILDING_PREFIX = ".building-"


def archive_root() -> Path:
    return Path(str(settings.ONEVISIT["ARCHIVE_DIR"]))


def archive_path(relative: str) -> Path:
    """A path inside the archive; refuses one that would leave it (or be the archive)."""
    root = archive_root().resolve()
    path = (root / relative).resolve()
    if path == root or not path.is_relative_to(root):
        raise ValueError(f"{relative!r} is not a package path inside the archive")
    return path


def slug(text: str) -> str:
    """A file-name part from a key or number: ASCII letters, digits, '.', '_' and '-'."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "x"


def tree_remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def package_transition(
    *, package: ArchivePackage, to: str, actor: Any, data: dict[str, Any] | None = None
) -> None:
    """Move a locked package along ALLOWED_PACKAGE_TRANSITIONS; the audit log is its
    status history."""
    if to not in ALLOWED_PACKAGE_TRANSITIONS[package.status]:
        raise Conflict(
            _("档案包当前状态为“%(status)s”，不能变为“%(to)s”")
            % {"status": package.get_status_display(), "to": PackageStatus(to).label}
        )
    package.status = to
    audit_record(actor=actor, action=f"archive_package.{to}", entity="archive_package",
                 entity_id=package.application.number, data=data or {})


def disposal_transition(
    *, disposal_list: DisposalList, to: str, actor: Any, data: dict[str, Any] | None = None
) -> None:
    """Move a locked disposal list along ALLOWED_DISPOSAL_TRANSITIONS."""
    if to not in ALLOWED_DISPOSAL_TRANSITIONS[disposal_list.status]:
        raise Conflict(
            _("销毁清单 %(id)s 当前状态为“%(status)s”，不能变为“%(to)s”")
            % {"id": disposal_list.pk, "status": disposal_list.get_status_display(),
               "to": DisposalStatus(to).label}
        )
    disposal_list.status = to
    audit_record(actor=actor, action=f"disposal_list.{to}", entity="disposal_list",
                 entity_id=disposal_list.pk, data=data or {})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a package: its kind, the file (relative to the package) and,
    for a changed file, the digest recorded and the one found."""

    kind: str
    path: str = ""
    expected: str = ""
    found: str = ""
    detail: str = ""

    def as_dict(self) -> dict[str, str]:
        return {key: value for key, value in vars(self).items() if value}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Problem:
        return cls(**data)

    def describe(self) -> str:
        if self.kind == ProblemKind.MISSING:
            text = _("%(path)s：文件缺失（清单中有，档案包中没有）")
        elif self.kind == ProblemKind.CHANGED:
            text = _("%(path)s：校验值不符（登记为 %(expected)s，实为 %(found)s）")
        elif self.kind == ProblemKind.EXTRA:
            text = _("%(path)s：清单外多出的文件")
        elif self.kind == ProblemKind.REGISTRATION:
            text = _("%(path)s：与归档登记不符（登记为 %(expected)s，实为 %(found)s）")
        else:
            text = _("档案包无法读取：%(detail)s")
        return text % vars(self)
