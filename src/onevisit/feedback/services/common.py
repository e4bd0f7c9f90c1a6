"""What the verdict's services share: who may act, text checks, the reproducible draw."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from onevisit.accounts.models import Region, Role
from onevisit.accounts.regions import NOWHERE, covers, scope_of, staff_region
from onevisit.applications.constants import ApplicationStatus
from onevisit.applications.models import Application
from onevisit.errors import InvalidInput, NotAllowed
from onevisit.feedback.models import Experience
from onevisit.workdays.calendar import TZ


def own_application(application: Application, actor: Any) -> bool:
    """The applicant herself (her account, or an account with her ID number)."""
    return application.applicant_id == getattr(actor, "pk", None) or bool(
        getattr(actor, "id_number", "")
        and application.applicant_id_number == actor.id_number)


def require_supervisor(actor: Any, what: str) -> None:
    """Supervisors (电子监察 / 改革办) and the instance's administrators."""
    if getattr(actor, "role", None) != Role.SUPERVISOR and not getattr(
            actor, "is_superuser", False):
        raise NotAllowed(_("只有电子监察人员或管理员能%(what)s") % {"what": what})


def actor_region(actor: Any, region_code: str = "") -> Region:
    """The region a supervisor acts for: hers, or one inside it she names."""
    code = region_code or staff_region(actor)
    if code == NOWHERE or not covers(scope_of(actor), code):
        raise InvalidInput(_("请选择您所辖的行政区划"), {"region": _("不在您的管辖范围内")})
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise InvalidInput(_("请选择您所辖的行政区划"), {"region": _("没有这个行政区划")})
    return region


def text_clean(value: str, *, field: str, label: str, limit: int,
               errors: dict[str, Any], required: bool = True) -> str:
    """The trimmed text, or a reason for `field` added to `errors`."""
    text = (value or "").strip()
    if required and not text:
        errors[field] = _("请填写%(what)s") % {"what": label}
    elif len(text) > limit:
        errors[field] = _("%(what)s最多 %(max)d 个字") % {"what": label, "max": limit}
    return text


def new_seed() -> str:
    return secrets.token_hex(16)


def draw(population: list[str], *, size: int, seed: str) -> list[str]:
    """The reproducible random sample: the population sorted, then Python's
    `random.Random(seed).sample(population, k)` (Mersenne Twister seeded with the seed
    text). The same population, size and seed give the same sample, in the same order."""
    ordered = sorted(population)
    return random.Random(seed).sample(ordered, min(size, len(ordered)))  # noqa: S311


def completed_numbers(*, region: Region, completed_from: dt.date,
                      completed_until: dt.date) -> list[str]:
    """The numbers of the region's applications completed on those days (local dates,
    both included), except the ones officials filed to experience the service."""
    start = dt.datetime.combine(completed_from, dt.time.min, tzinfo=TZ)
    end = dt.datetime.combine(completed_until + dt.timedelta(days=1), dt.time.min, tzinfo=TZ)
    return list(
        Application.objects.filter(
            status=ApplicationStatus.COMPLETED, completed_at__gte=start, completed_at__lt=end,
            region__code__startswith=region.code)
        .exclude(Exists(Experience.objects.filter(application=OuterRef("pk"))))
        .values_list("number", flat=True))


def sample_window(size: int, completed_from: dt.date | None,
                  completed_until: dt.date | None, errors: dict[str, Any],
                  limit: int) -> tuple[dt.date, dt.date]:
    """Check the sample's size and period (reasons into `errors`); the period's days
    (meaningful when no reason was added)."""
    if not 1 <= size <= limit:
        errors["size"] = _("抽样数量应为 1 至 %(max)d") % {"max": limit}
    if completed_from is None:
        errors["completed_from"] = _("请填写开始日期")
    if completed_until is None:
        errors["completed_until"] = _("请填写结束日期")
    if completed_from and completed_until and completed_from > completed_until:
        errors["completed_until"] = _("结束日期不能早于开始日期")
    return completed_from or dt.date.min, completed_until or dt.date.min
