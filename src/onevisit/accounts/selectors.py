from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet

from onevisit import clock
from onevisit.accounts.models import (
    ApiToken,
    Authorisation,
    Department,
    PlatformKind,
    RateCounter,
    Region,
    RegionLevel,
    Role,
    User,
)
from onevisit.accounts.regions import within

_DATA = Path(__file__).resolve().parent / "data"


# How stale a token's "last used" may get before a request writes it again.
_LAST_USED_PRECISION = dt.timedelta(hours=1)


def user_for_api_key(*, key: str) -> User | None:
    """The active user a token that has neither expired nor been revoked belongs to."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    now = clock.now()
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=digest, revoked_at__isnull=True, expires_at__gt=now).first())
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or token.last_used_at < now - _LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_tokens_of(*, user: User | None = None) -> QuerySet[ApiToken]:
    """Tokens newest first, with their owners; only one user's when given."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    return tokens.filter(user=user) if user is not None else tokens


def authorisation_valid(*, user: Any, subject_kind: str, subject_id: str,
                        codes: Collection[str]) -> Authorisation | None:
    """The user's authorisation to act for this company or person in a matter named by
    `codes` (the item's or life event's codes), valid now; None if there is none. A
    mandate with a scope covers a matter when it names any of its codes."""
    now = clock.now()
    candidates = Authorisation.objects.filter(
        user_id=getattr(user, "pk", 0) or 0, subject_kind=subject_kind, subject_id=subject_id,
        revoked_at__isnull=True, valid_from__lte=now,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now)).order_by("-valid_from")
    wanted = set(codes)
    return next((a for a in candidates if not a.scope or wanted & set(a.scope)), None)


def regions_below(scope: str) -> list[Region]:
    """The cities and counties in `scope` ("" : all) that have departments: what a
    supervisor can narrow her figures to, her own region first."""
    codes = (Department.objects.filter(within("region", scope))
             .values_list("region__code", flat=True).distinct())
    wanted = {code[:n] for code in codes for n in (4, 6) if len(code) >= n}
    if scope:
        wanted = {code for code in wanted if code.startswith(scope)} | {scope}
    return list(Region.objects.filter(code__in=wanted,
                                      level__in=[RegionLevel.PROVINCE, RegionLevel.CITY,
                                                 RegionLevel.COUNTY])
                .order_by("code"))


@lru_cache(maxsize=1)
def county_codes() -> frozenset[str]:
    """Every county-level code of the bundled GB/T 2260 table (2023 edition).

    Read from the data file rather than the database so validators work before the
    regions are loaded; the file is part of the package and never changes at run time.
    """
    with (_DATA / "areas.csv").open(encoding="utf-8") as handle:
        next(handle)
        return frozenset(line.split(",", 1)[0] for line in handle if line.strip())


_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate_parse(rate: str) -> tuple[int, int]:
    """`30/m` → (30, 60): so many uses per period (s, m, h or d)."""
    count, _sep, period = rate.partition("/")
    if not count.strip().isdigit() or period.strip() not in _PERIODS:
        raise ValueError(f"rate limit {rate!r} is not of the form count/period (s, m, h, d)")
    return int(count), _PERIODS[period.strip()]


def rate_of(scope: str) -> tuple[int, int] | None:
    """The (count, period in seconds) configured for `scope`, or None when unlimited."""
    rate = cast(dict[str, str], settings.ONEVISIT["RATE_LIMITS"]).get(scope)
    return rate_parse(rate) if rate else None


def rate_counters_in_cache() -> bool:
    """Whether the rate limits count in the (shared, Redis) cache instead of the database."""
    return bool(settings.ONEVISIT["RATE_COUNTERS"] == "cache")


def rate_counter_key(*, scope: str, address: str, slot: int) -> str:
    """The cache key of one address's count in one window. The address (an IP address or
    a phone number) is digested with the digest key (ONEVISIT_DIGEST_KEY), so the cache
    holds neither it nor a digest anyone could reverse by trying every address."""
    key = cast(list[str], settings.ONEVISIT["DIGEST_KEYS"])[0]
    digest = hmac.new(key.encode(), address[:64].encode(), hashlib.sha256).hexdigest()[:32]
    return f"rate:{scope}:{slot}:{digest}"


def rate_limit_reached(*, scope: str, address: str) -> bool:
    """Whether the address has used up `scope` in the current window, without counting."""
    rate = rate_of(scope)
    if rate is None:
        return False
    limit, period = rate
    slot = int(clock.now().timestamp()) // period
    if rate_counters_in_cache():
        used = cache.get(rate_counter_key(scope=scope, address=address, slot=slot))
    else:
        used = (RateCounter.objects.filter(scope=scope, address=address[:64], slot=slot)
                .values_list("count", flat=True).first())
    return int(used or 0) >= limit


def user_by_id_number(*, id_number: str, role: str) -> User | None:
    """The active account of this role held by the person with this ID number."""
    if not id_number:
        return None
    return User.objects.filter(id_number=id_number, role=role, is_active=True).first()


def department_reviewers(*, department_id: int) -> QuerySet[User]:
    """The department's active reviewers (后台审批), by name: whom its lead may assign."""
    return (User.objects.filter(department_id=department_id, role=Role.REVIEWER, is_active=True)
            .order_by("first_name", "username"))


def townships_under(*, region: Region) -> list[Region]:
    """The townships (乡镇/街道) of a region: itself when it is one, else those below it
    (a county's, a city's, a province's), by code."""
    if region.level == RegionLevel.TOWNSHIP:
        return [region]
    below = (Q(parent_id=region.code) | Q(parent__parent_id=region.code)
             | Q(parent__parent__parent_id=region.code))
    return list(Region.objects.filter(below, level=RegionLevel.TOWNSHIP).order_by("code"))


def platform_code(*, township_code: str, kind: str) -> str:
    """The code of a township's grassroots platform of this kind: `330106005-enforcement`."""
    return f"{township_code}-{PlatformKind(kind).value}"


def township_platforms(*, township_code: str) -> list[Department]:
    """A township's grassroots platforms (四个平台), in the order of PlatformKind."""
    order = {kind.value: index for index, kind in enumerate(PlatformKind)}
    found = Department.objects.filter(region_id=township_code).exclude(platform="")
    return sorted(found, key=lambda department: order[department.platform])
