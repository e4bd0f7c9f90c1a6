from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.identifiers import FieldInvalid, resident_id, uscc
from onevisit.accounts.identifiers import phone as phone_number
from onevisit.accounts.models import (
    ApiToken,
    Authorisation,
    AuthorisationBasis,
    Department,
    PhoneCode,
    PlatformKind,
    RateCounter,
    Region,
    RegionLevel,
    Role,
    SubjectKind,
    User,
)
from onevisit.accounts.selectors import (
    platform_code,
    rate_counter_key,
    rate_counters_in_cache,
    rate_of,
    townships_under,
)
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import Conflict, InvalidInput

REGION_DATA = Path(__file__).resolve().parent / "data"


@atomic_audited
def api_token_create(*, user: User, name: str, days: int | None = None,
                     actor: Any = None) -> str:
    """Create a token and return its key; the key is shown once and never stored, only
    its SHA-256. It expires after `days` (default ONEVISIT_API_TOKEN_DAYS)."""
    days = cast(int, settings.ONEVISIT["API_TOKEN_DAYS"]) if days is None else days
    if not 1 <= days <= 366:
        raise InvalidInput(_("有效期应为1至366天"), {"days": _("有效期应为1至366天")})
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:64], key_hash=hashlib.sha256(key.encode()).hexdigest(),
        prefix=key[:8], expires_at=clock.now() + dt.timedelta(days=days),
    )
    audit_record(actor=actor, action="api_token.created", entity="api_token",
                 entity_id=token.pk, data={"user": user.username, "days": days})
    return key


@atomic_audited
def api_token_revoke(*, token_id: int, actor: Any = None) -> ApiToken:
    """Revoke a token at once; revoking a revoked token changes nothing."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise InvalidInput(_("没有该令牌"), {"token": _("没有该令牌")})
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoked", entity="api_token",
                     entity_id=token.pk, data={"user": token.user.username})
    return token


def authorisation_check(
    *, user: User, subject_kind: str, subject_id: str, subject_name: str, basis: str,
    valid_from: dt.datetime, valid_until: dt.datetime | None,
) -> str:
    """Every problem of an authorisation to record, at once (InvalidInput naming each
    field); the subject's ID number or credit code, cleaned, when there is none."""
    errors: dict[str, str] = {}
    if subject_kind not in SubjectKind.values:
        errors["subject_kind"] = _("应为 person 或 enterprise")
    if basis not in AuthorisationBasis.values:
        errors["basis"] = _("应为 legal_representative 或 mandate")
    elif (basis == AuthorisationBasis.LEGAL_REPRESENTATIVE
          and subject_kind != SubjectKind.ENTERPRISE):
        errors["basis"] = _("法定代表人只能代表法人")
    if not 2 <= len(subject_name.strip()) <= 128:
        errors["subject_name"] = _("姓名或名称应为2至128个字符")
    if basis == AuthorisationBasis.MANDATE and valid_until is None:
        errors["valid_until"] = _("授权委托必须写明有效期")
    if valid_until is not None and valid_until <= valid_from:
        errors["valid_until"] = _("有效期截止应晚于开始")
    clean = uscc if subject_kind == SubjectKind.ENTERPRISE else resident_id
    try:
        if not subject_id.strip():
            raise FieldInvalid(_("必填"))
        subject_id = clean(subject_id)
    except FieldInvalid as exc:
        errors["subject_id"] = str(exc.reason)
    else:
        if subject_kind == SubjectKind.PERSON and subject_id == user.id_number:
            errors["subject_id"] = _("本人无需授权")
    if errors:
        raise InvalidInput(_("授权信息有误"), errors)
    return subject_id


@atomic_audited
def authorisation_grant(
    *, user: User, subject_kind: str, subject_id: str, subject_name: str, basis: str,
    actor: Any, scope: Iterable[str] = (), valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None, document: str = "",
) -> Authorisation:
    """Record that `user` may act for a company or person (授权委托): as the company's
    legal representative, or as an agent with a mandate, which must name its end.
    Staff record it after checking the documents."""
    valid_from = valid_from or clock.now()
    subject_id = authorisation_check(
        user=user, subject_kind=subject_kind, subject_id=subject_id,
        subject_name=subject_name, basis=basis, valid_from=valid_from, valid_until=valid_until)
    authorisation = Authorisation.objects.create(
        user=user, subject_kind=subject_kind, subject_id=subject_id,
        subject_name=subject_name.strip(),
        basis=basis, scope=sorted({code.strip() for code in scope if code.strip()}),
        valid_from=valid_from, valid_until=valid_until, document=document.strip()[:64],
        recorded_by=actor if getattr(actor, "pk", None) else None, recorded_at=clock.now(),
    )
    audit_record(actor=actor, action="authorisation.granted", entity="authorisation",
                 entity_id=authorisation.pk,
                 data={"user": user.username, "subject_kind": subject_kind, "basis": basis,
                       "scope": authorisation.scope,
                       "valid_until": valid_until.isoformat() if valid_until else None})
    return authorisation


@atomic_audited
def authorisation_revoke(*, authorisation_id: int, actor: Any, reason: str) -> Authorisation:
    """End an authorisation now (the company or person withdrew it)."""
    authorisation = Authorisation.objects.select_for_update().filter(pk=authorisation_id).first()
    if authorisation is None:
        raise InvalidInput(_("没有该授权"), {"authorisation": _("没有该授权")})
    if not reason.strip():
        raise InvalidInput(_("请说明撤销原因"), {"reason": _("必填")})
    if authorisation.revoked_at is not None:
        raise Conflict(_("该授权已被撤销"))
    authorisation.revoked_at = clock.now()
    authorisation.revoked_by = actor if getattr(actor, "pk", None) else None
    authorisation.revoke_reason = reason.strip()[:200]
    authorisation.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(actor=actor, action="authorisation.revoked", entity="authorisation",
                 entity_id=authorisation.pk, data={"reason": authorisation.revoke_reason})
    return authorisation


def rate_limit_hit(*, scope: str, address: str) -> bool:
    """Count one use of a rate-limited endpoint by an address; True when it is over the
    limit configured for `scope` (ONEVISIT_RATE_LIMITS). One atomic statement, so every
    process shares the count; rows of past windows are removed as new windows start."""
    rate = rate_of(scope)
    if rate is None:
        return False
    limit, period = rate
    slot = int(clock.now().timestamp()) // period
    if rate_counters_in_cache():
        # add then incr: both atomic in Redis; the key outlives its window by one period.
        key = rate_counter_key(scope=scope, address=address, slot=slot)
        cache.add(key, 0, timeout=2 * period)
        return int(cache.incr(key)) > limit
    table = RateCounter._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, address, slot, count) VALUES (%s, %s, %s, 1) "  # noqa: S608 - the model's own table
            f"ON CONFLICT (scope, address, slot) DO UPDATE SET count = {table}.count + 1 "
            "RETURNING count",
            [scope, address[:64], slot],
        )
        row = cursor.fetchone()
        count = int(row[0]) if row else 1
        if count == 1:
            RateCounter.objects.filter(scope=scope, slot__lt=slot - 1).delete()
    return count > limit


def _rows(name: str) -> Iterable[dict[str, str]]:
    with (REGION_DATA / name).open(encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def regions_missing_hint() -> str:
    """What to say beside "no such region" on the command line when the instance has no
    regions at all yet (a new instance: `migrate` does not load them)."""
    if Region.objects.exists():
        return ""
    return (" (this instance has no regions yet: `onevisit regions load` loads the bundled "
            "GB/T 2260 codes)")


@transaction.atomic
def regions_load() -> int:
    """Load the bundled region codes (idempotent). Returns the number of regions."""
    regions = [
        Region(code=row["code"], name=row["name"], level=RegionLevel.PROVINCE)
        for row in _rows("provinces.csv")
    ]
    for name, level, parent in (
        ("cities.csv", RegionLevel.CITY, "provinceCode"),
        ("areas.csv", RegionLevel.COUNTY, "cityCode"),
        ("streets.csv", RegionLevel.TOWNSHIP, "areaCode"),
    ):
        regions.extend(
            Region(code=row["code"], name=row["name"], level=level, parent_id=row[parent])
            for row in _rows(name)
        )
    Region.objects.bulk_create(regions, batch_size=2000, ignore_conflicts=True)
    return len(regions)


def department_code_from_name(*, name: str, region_code: str) -> str:
    """The code of a department created from a list that names it but gives no code of
    ours (a catalogue import, a file of past tickets): its region and a digest of its
    name, so the same name in the same region always gets the same code."""
    return f"{region_code}-" + hashlib.sha256(name.encode()).hexdigest()[:10]


def department_ensure(*, code: str, name: str, region_code: str) -> Department:
    department, _ = Department.objects.update_or_create(
        code=code, defaults={"name": name, "region_id": region_code}
    )
    return department


@atomic_audited
def grassroots_platforms_ensure(*, region_code: str, actor: Any) -> list[Department]:
    """The grassroots platforms (基层治理四个平台: 综治工作, 市场监管, 综合执法, 便民服务)
    of a township, or of every township under a county, city or province: one department
    of each kind in the township's region, coded `<township code>-<kind>` and named after
    the township ("翠苑街道综合执法平台"). Idempotent: a township's existing platform is
    kept as it is (its name may have been edited); only the missing ones are created."""
    region = Region.objects.filter(code=region_code.strip()).first()
    if region is None:
        raise InvalidInput(_("行政区划代码不存在"), {"region_code": _("行政区划代码不存在")})
    townships = townships_under(region=region)
    if not townships:
        raise InvalidInput(_("该行政区划下没有乡镇或街道"),
                           {"region_code": _("该行政区划下没有乡镇或街道")})
    have = set(Department.objects.filter(region__in=townships).exclude(platform="")
               .values_list("region_id", "platform"))
    missing = [(township, kind) for township in townships for kind in PlatformKind
               if (township.code, kind.value) not in have]
    codes = [platform_code(township_code=township.code, kind=kind) for township, kind in missing]
    taken = sorted(Department.objects.filter(code__in=codes).values_list("code", flat=True))
    if taken:
        raise Conflict(_("部门编码已被其他部门使用：%(codes)s") % {"codes": "、".join(taken)})
    with translation.override(settings.LANGUAGE_CODE):  # the name of record is Chinese
        labels = {kind.value: str(kind.label) for kind in PlatformKind}
    with translation.override("en"):  # the township's name as it is: it has no other
        labels_en = {kind.value: str(kind.label) for kind in PlatformKind}
    Department.objects.bulk_create(
        Department(code=code, name=f"{township.name}{labels[kind]}平台",
                   name_en=f"{township.name} {labels_en[kind].lower()} platform",
                   region=township, platform=kind)
        for (township, kind), code in zip(missing, codes, strict=True))
    if missing:
        audit_record(actor=actor, action="platforms.created", entity="region",
                     entity_id=region.code,
                     data={"departments": len(missing),
                           "townships": len({township.code for township, _kind in missing})})
    return list(Department.objects.filter(region__in=townships).exclude(platform="")
                .order_by("code"))


@atomic_audited
def sign_in_lockout_record(*, username: str, address: str) -> None:
    """An attempt to sign in while the account or the address is locked out."""
    audit_record(actor=None, action="account.sign_in_locked", entity="account",
                 entity_id=username or "-", data={"address": address})


# A sign-up code lasts this long and allows this many wrong tries.
PHONE_CODE_MINUTES = 10
PHONE_CODE_ATTEMPTS = 5


@dataclass(frozen=True)
class IssuedCode:
    phone: str
    code: str
    minutes: int


def _code_hash(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(),
                    hashlib.sha256).hexdigest()


def phone_clean(phone: str) -> str:
    """A mainland mobile number, cleaned; InvalidInput naming `phone` otherwise."""
    try:
        return phone_number(phone)
    except FieldInvalid as exc:
        raise InvalidInput(_("手机号码有误"), {"phone": str(exc.reason)}) from exc


def phone_code_issue(*, phone: str) -> IssuedCode:
    """A new 6-digit code for the phone (in the caller's transaction): only its keyed hash
    is stored; earlier codes for the phone stop working."""
    phone = phone_clean(phone)
    now = clock.now()
    code = f"{secrets.randbelow(10**6):06d}"
    PhoneCode.objects.filter(phone=phone, used_at__isnull=True).update(used_at=now)
    PhoneCode.objects.create(phone=phone, code_hash=_code_hash(phone, code), created_at=now,
                             expires_at=now + dt.timedelta(minutes=PHONE_CODE_MINUTES))
    return IssuedCode(phone=phone, code=code, minutes=PHONE_CODE_MINUTES)


def phone_code_consume(*, phone: str, code: str) -> None:
    """Check the code last sent to the phone and use it up. A wrong code counts against
    the tries (the count is committed even though the check fails); an expired, used-up
    or unknown code is refused. Runs in its own transaction."""
    phone = phone_clean(phone)
    problem = ""
    with transaction.atomic():
        issued = (PhoneCode.objects.select_for_update()
                  .filter(phone=phone, used_at__isnull=True).order_by("-created_at").first())
        now = clock.now()
        if issued is None or issued.expires_at <= now:
            problem = _("验证码已过期或未发送，请重新获取")
        elif issued.attempts >= PHONE_CODE_ATTEMPTS:
            problem = _("验证码错误次数过多，请重新获取")
        elif not hmac.compare_digest(issued.code_hash, _code_hash(phone, code.strip())):
            issued.attempts += 1
            issued.save(update_fields=["attempts"])
            problem = _("验证码不正确")
        else:
            issued.used_at = now
            issued.save(update_fields=["used_at"])
    if problem:
        raise InvalidInput(_("验证码有误"), {"code": problem})


def citizen_check(*, phone: str, name: str, id_number: str, password: str) -> tuple[str, str]:
    """Every problem of a sign-up at once (InvalidInput naming each field); the cleaned
    phone and ID number when there is none. One account per phone and per person."""
    errors: dict[str, Any] = {}
    try:
        phone = phone_clean(phone)
    except InvalidInput as exc:
        errors.update(exc.errors)
    else:
        if User.objects.filter(Q(username=_username(phone)) | Q(phone=phone)).exists():
            errors["phone"] = _("该手机号码已注册，请直接登录")
    if not 2 <= len(name.strip()) <= 64:
        errors["name"] = _("姓名应为2至64个字符")
    try:
        id_number = resident_id(id_number)
    except FieldInvalid as exc:
        errors["id_number"] = str(exc.reason)
    else:
        if User.objects.filter(role=Role.CITIZEN, id_number=id_number).exists():
            errors["id_number"] = _("该身份证号码已注册账户")
    try:
        validate_password(password)
    except ValidationError as exc:
        errors["password"] = " ".join(exc.messages)
    if errors:
        raise InvalidInput(_("注册信息有误"), errors)
    return phone, id_number


def _username(phone: str) -> str:
    """A mainland mobile number as people type it (without +86): the user name."""
    return phone.removeprefix("+86")


@atomic_audited
def citizen_create(*, phone: str, name: str, id_number: str, password: str) -> User:
    """The citizen account of a person whose phone and identity were verified: her phone
    number (as typed, without +86) is her user name. Checked again here, inside the
    transaction."""
    phone, id_number = citizen_check(phone=phone, name=name, id_number=id_number,
                                     password=password)
    user = User(username=_username(phone), phone=phone, first_name=name.strip(),
                id_number=id_number, role=Role.CITIZEN)
    user.set_password(password)
    user.save()
    audit_record(actor=user, action="account.registered", entity="user", entity_id=user.pk,
                 data={"phone": phone[:3] + "****" + phone[-4:]})
    return user
