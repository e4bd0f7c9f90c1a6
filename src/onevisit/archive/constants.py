"""Package and disposal-list states, and how long each kind of item's file is kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.catalogue.constants import ItemKind


class PackageStatus(models.TextChoices):
    ARCHIVED = "archived", _("已归档")
    DAMAGED = "damaged", _("已损坏")
    DISPOSED = "disposed", _("已销毁")


ALLOWED_PACKAGE_TRANSITIONS: dict[str, set[str]] = {
    # Verification finds a missing, changed or extra file; an approved disposal list.
    PackageStatus.ARCHIVED: {PackageStatus.DAMAGED, PackageStatus.DISPOSED},
    # Restored from a copy and verified whole again; or past retention and approved.
    PackageStatus.DAMAGED: {PackageStatus.ARCHIVED, PackageStatus.DISPOSED},
    # A disposed package's row stays as a tombstone: what was destroyed, when, on whose word.
    PackageStatus.DISPOSED: set(),
}


class DisposalStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    EXECUTED = "executed", _("已执行")


ALLOWED_DISPOSAL_TRANSITIONS: dict[str, set[str]] = {
    # Nothing is destroyed on a proposal: a supervisor (or an administrator) approves first.
    DisposalStatus.PENDING: {DisposalStatus.APPROVED},
    # Only an approved list is executed.
    DisposalStatus.APPROVED: {DisposalStatus.EXECUTED},
    DisposalStatus.EXECUTED: set(),
}


class ProblemKind(models.TextChoices):
    """What verification found wrong with a package."""

    MISSING = "missing", _("文件缺失")
    CHANGED = "changed", _("校验值不符")
    EXTRA = "extra", _("清单外的文件")
    REGISTRATION = "registration", _("与归档登记不符")
    UNREADABLE = "unreadable", _("档案包无法读取")


class RetentionClass(models.TextChoices):
    """保管期限: the three classes of Chinese archives rules."""

    PERMANENT = "permanent", _("永久")
    YEARS_30 = "30y", _("定期30年")
    YEARS_10 = "10y", _("定期10年")


# Years kept, counted from 1 January of the year after the file closed; None: for ever.
RETENTION_YEARS: dict[str, int | None] = {
    RetentionClass.PERMANENT: None,
    RetentionClass.YEARS_30: 30,
    RetentionClass.YEARS_10: 10,
}

# Longest first: a life event's file is kept as long as its longest-kept item's.
_LONGEST_FIRST = (RetentionClass.PERMANENT, RetentionClass.YEARS_30, RetentionClass.YEARS_10)


@dataclass(frozen=True)
class RetentionRule:
    retention: RetentionClass
    source: str


# The retention table (档案保管期限表) by kind of item. 国办发〔2023〕26号《政务服务电子
# 文件归档和电子档案管理办法》 makes each service organisation set its own table from its
# power and public-service lists, under the archives authority's review; DA/T 85-2019
# 《政务服务事项电子文件归档规范》 gives the package structure, and 国家档案局令第8号
# 《机关文件材料归档范围和文书档案保管期限规定》 the classes (永久, 定期30年, 定期10年).
# These are the defaults such a table starts from; docs/archive.md explains each.
RETENTION_BY_KIND: dict[str, RetentionRule] = {
    # Confirmation records a right or a status (不动产登记, 婚姻登记, 户籍): the registers
    # behind them are kept permanently (《不动产登记暂行条例》, 《婚姻登记档案管理办法》).
    ItemKind.CONFIRMATION: RetentionRule(
        RetentionClass.PERMANENT,
        "《不动产登记暂行条例》《婚姻登记档案管理办法》：登记资料永久保存",
    ),
    # A licence's file is evidence for as long as the licence and what was built or done
    # under it can be challenged: 定期30年 (国家档案局令第8号, important business files).
    ItemKind.LICENSING: RetentionRule(
        RetentionClass.YEARS_30,
        "国家档案局令第8号：本机关职能活动中形成的重要业务文件，定期30年",
    ),
    # A payment's file is the basis of its accounting voucher, kept 30 years
    # (《会计档案管理办法》, 财政部 国家档案局令第79号).
    ItemKind.PAYMENT: RetentionRule(
        RetentionClass.YEARS_30,
        "《会计档案管理办法》（财政部 国家档案局令第79号）：会计凭证保管30年",
    ),
    # Penalties, coercive measures and adjudications decide against or between parties:
    # their files are evidence in review, litigation and enforcement, kept as important
    # business files, 定期30年 (国家档案局令第8号).
    ItemKind.PENALTY: RetentionRule(
        RetentionClass.YEARS_30,
        "国家档案局令第8号：本机关职能活动中形成的重要业务文件，定期30年",
    ),
    ItemKind.COERCION: RetentionRule(
        RetentionClass.YEARS_30,
        "国家档案局令第8号：本机关职能活动中形成的重要业务文件，定期30年",
    ),
    ItemKind.ADJUDICATION: RetentionRule(
        RetentionClass.YEARS_30,
        "国家档案局令第8号：本机关职能活动中形成的重要业务文件，定期30年",
    ),
    # A levy's file is the basis of its accounting voucher, as a payment's is.
    ItemKind.LEVY: RetentionRule(
        RetentionClass.YEARS_30,
        "《会计档案管理办法》（财政部 国家档案局令第79号）：会计凭证保管30年",
    ),
    # A reward (表彰奖励) is part of the recipient's record for good: 永久.
    ItemKind.REWARD: RetentionRule(
        RetentionClass.PERMANENT,
        "国家档案局令第8号：本机关表彰奖励的文件材料，永久",
    ),
    # Inspections, other powers and public services: ordinary business files, 定期10年.
    ItemKind.INSPECTION: RetentionRule(
        RetentionClass.YEARS_10,
        "国家档案局令第8号：一般性业务文件，定期10年",
    ),
    ItemKind.OTHER_POWER: RetentionRule(
        RetentionClass.YEARS_10,
        "国家档案局令第8号：一般性业务文件，定期10年",
    ),
    ItemKind.PUBLIC_SERVICE: RetentionRule(
        RetentionClass.YEARS_10,
        "国家档案局令第8号：一般性业务文件，定期10年",
    ),
}


def retention_for_kinds(kinds: Iterable[str]) -> RetentionClass:
    """The retention of a file holding items of these kinds: the longest of theirs.
    An unknown kind (or none) is kept permanently — never destroyed by mistake."""
    classes = set()
    for kind in kinds:
        rule = RETENTION_BY_KIND.get(kind)
        classes.add(rule.retention if rule else RetentionClass.PERMANENT)
    for retention in _LONGEST_FIRST:
        if retention in classes:
            return retention
    return RetentionClass.PERMANENT


def retain_until(*, retention: str, closed_on: dt.date) -> dt.date | None:
    """The last day a file closed on `closed_on` is kept: retention is counted from
    1 January of the next year (the archives convention), so a 10-year file closed in
    2026 is kept until 31 December 2036. None: kept permanently."""
    years = RETENTION_YEARS[retention]
    if years is None:
        return None
    return dt.date(closed_on.year + years, 12, 31)
