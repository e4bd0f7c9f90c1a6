"""The electronic archive (电子文件归档): packages, fixity, disposal. Other apps and the
commands import from here."""

from onevisit.archive.services.common import (
    Problem,
    archive_root,
    disposal_transition,
    package_transition,
)
from onevisit.archive.services.disposal import (
    disposal_approve,
    disposal_execute,
    disposal_propose,
    may_approve_disposal,
)
from onevisit.archive.services.fixity import Verification, package_inspect, packages_verify
from onevisit.archive.services.packages import (
    CatchUp,
    builds_stale_remove,
    package_create,
    package_create_later,
    packages_create_pending,
)
from onevisit.archive.services.store import PackageUnreadable, package_store

__all__ = [
    "CatchUp",
    "PackageUnreadable",
    "Problem",
    "Verification",
    "archive_root",
    "builds_stale_remove",
    "disposal_approve",
    "disposal_execute",
    "disposal_propose",
    "disposal_transition",
    "may_approve_disposal",
    "package_create",
    "package_create_later",
    "package_inspect",
    "package_store",
    "package_transition",
    "packages_create_pending",
    "packages_verify",
]
