"""Becoming an applicant: a citizen signs up with a verified phone and identity, and binds
her account to a company — as its legal representative, checked against the enterprise
registry, or as an agent the legal representative authorises (授权委托). The trust rule
(`filing_allowed_check`) then lets her file for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Authorisation, AuthorisationBasis, Role, SubjectKind, User
from onevisit.accounts.services import (
    authorisation_grant,
    authorisation_revoke,
    citizen_check,
    citizen_create,
    phone_code_consume,
)
from onevisit.applications.services.intake import _name_key as name_key
from onevisit.catalogue.constants import FieldType
from onevisit.catalogue.selectors import evidence_type_get, item_current
from onevisit.catalogue.validation import FieldInvalid, field_value_clean
from onevisit.errors import Conflict, DomainError, InvalidInput, NotAllowed
from onevisit.exchange.models import FetchOutcome
from onevisit.exchange.services import FetchRequest, evidence_fetch_logged
from onevisit.exchange.sources import Evidence
from onevisit.lifeevents.selectors import life_event_by_code


class RegistryUnavailable(DomainError):
    """The registry to check against did not answer; nothing was changed."""

    status = 503


def _registry_record(*, setting: str, subject: str, purpose: str, actor: Any) -> Evidence | None:
    """The record the registry named by the setting holds for `subject` (the read logged
    where the person or company can see it); None when it holds none."""
    code = str(cast(dict[str, Any], settings.ONEVISIT)[setting])
    evidence_type = evidence_type_get(code=code)
    if evidence_type is None:
        raise RegistryUnavailable(_("尚未配置用于核验的登记库，请联系管理员"))
    answer = evidence_fetch_logged(
        requests=[FetchRequest(evidence_type=code, source=evidence_type.source,
                               subject=subject, purpose=purpose)],
        allowed={code}, application_number="", actor=actor)[0]
    if answer.outcome == FetchOutcome.ERROR:
        raise RegistryUnavailable(_("登记库暂时无法核验，请稍后再试"))
    return answer.evidence if answer.outcome == FetchOutcome.FOUND else None


def citizen_register(*, phone: str, code: str, name: str, id_number: str,
                     password: str) -> User:
    """Self-registration: the form is checked in full first, then the person's name
    against the population registry for her ID number (the read logged, so she sees it),
    then the SMS code (a wrong one counts against its tries); only then is the citizen
    account created — a verified person, whose phone number is her user name."""
    phone, id_number = citizen_check(phone=phone, name=name, id_number=id_number,
                                     password=password)
    record = _registry_record(setting="PERSON_EVIDENCE", subject=id_number, actor=None,
                              purpose=_("自助注册时核验本人身份"))
    if record is None or name_key(str(record.data.get("name", ""))) != name_key(name):
        raise InvalidInput(_("姓名与身份证号码不符"),
                           {"name": _("与人口信息库登记的不一致")})
    phone_code_consume(phone=phone, code=code)
    return citizen_create(phone=phone, name=name, id_number=id_number, password=password)


def _uscc_clean(uscc: str) -> str:
    try:
        return str(field_value_clean(field_type=FieldType.USCC, value=uscc, choices=[]))
    except FieldInvalid as exc:
        raise InvalidInput(_("统一社会信用代码有误"), {"uscc": str(exc.reason)}) from exc


def company_bind_as_representative(*, user: User, uscc: str) -> Authorisation:
    """Bind the account to a company as its legal representative (法定代表人): the
    enterprise registry must name her — the account's verified name — as the company's
    legal representative. The read is logged in the company's access log."""
    uscc = _uscc_clean(uscc)
    if user.role != Role.CITIZEN or not user.id_number:
        raise NotAllowed(_("只有实名认证的个人账户可以绑定企业"))
    if _representative(user, uscc) is not None:
        raise Conflict(_("您已是该企业的法定代表人"))
    record = _registry_record(setting="ENTERPRISE_EVIDENCE", subject=uscc, actor=user,
                              purpose=_("核验法定代表人身份，以绑定企业账户"))
    if record is None:
        raise InvalidInput(_("企业登记库中没有该企业"), {"uscc": _("未查到该统一社会信用代码")})
    registered = str(record.data.get("legal_representative", ""))
    if name_key(registered) != name_key(user.first_name):
        raise NotAllowed(_("企业登记的法定代表人不是您，请由法定代表人为您办理授权委托"))
    with transaction.atomic():
        return authorisation_grant(
            user=user, subject_kind=SubjectKind.ENTERPRISE, subject_id=uscc,
            subject_name=str(record.data.get("name") or uscc),
            basis=AuthorisationBasis.LEGAL_REPRESENTATIVE, actor=user,
            document=_("企业登记信息核验"))


def _representative(user: Any, uscc: str) -> Authorisation | None:
    """The user's valid legal-representative binding to the company, if any."""
    now = clock.now()
    return next((a for a in Authorisation.objects.filter(
        user_id=getattr(user, "pk", 0) or 0, subject_kind=SubjectKind.ENTERPRISE,
        subject_id=uscc, basis=AuthorisationBasis.LEGAL_REPRESENTATIVE,
        revoked_at__isnull=True, valid_from__lte=now)
        if a.valid_until is None or a.valid_until > now), None)


def represented_companies(*, user: Any) -> list[Authorisation]:
    """The companies the user is the legal representative of (valid bindings)."""
    now = clock.now()
    return [a for a in Authorisation.objects.filter(
        user_id=getattr(user, "pk", 0) or 0, basis=AuthorisationBasis.LEGAL_REPRESENTATIVE,
        revoked_at__isnull=True, valid_from__lte=now).order_by("subject_name")
        if a.valid_until is None or a.valid_until > now]


def scope_clean(codes: Iterable[str]) -> list[str]:
    """Item or life-event codes of a mandate's scope, each one that exists."""
    cleaned = sorted({c.strip() for c in codes if c.strip()})
    unknown = [c for c in cleaned
               if item_current(code=c) is None and life_event_by_code(code=c) is None]
    if unknown:
        raise InvalidInput(_("授权范围有误"),
                           {"scope": _("没有这些事项或一件事：%(codes)s") % {
                               "codes": "、".join(unknown)}})
    return cleaned


def mandate_grant(*, grantor: User, uscc: str, agent_username: str, scope: Iterable[str],
                  valid_until: dt.datetime | None, document: str = "") -> Authorisation:
    """授权委托: the company's legal representative authorises another account to act for
    the company in the matters named (all matters when none), until a date."""
    uscc = _uscc_clean(uscc)
    representative = _representative(grantor, uscc)
    if representative is None:
        raise NotAllowed(_("只有该企业的法定代表人可以授权委托"))
    agent = User.objects.filter(username=agent_username.strip(), role=Role.CITIZEN,
                                is_active=True).first()
    if agent is None:
        raise InvalidInput(_("被授权人不存在"), {"agent": _("没有该用户名（手机号码）的个人账户")})
    if agent.pk == grantor.pk:
        raise InvalidInput(_("不能授权给自己"), {"agent": _("不能授权给自己")})
    if valid_until is not None and valid_until <= clock.now():
        raise InvalidInput(_("授权信息有误"), {"valid_until": _("有效期截止应晚于现在")})
    codes = scope_clean(scope)
    with transaction.atomic():
        return authorisation_grant(
            user=agent, subject_kind=SubjectKind.ENTERPRISE, subject_id=uscc,
            subject_name=representative.subject_name, basis=AuthorisationBasis.MANDATE,
            actor=grantor, scope=codes, valid_until=valid_until, document=document)


def mandates_granted(*, grantor: Any) -> list[Authorisation]:
    """The mandates of the companies the user represents, newest first."""
    companies = [a.subject_id for a in represented_companies(user=grantor)]
    return list(Authorisation.objects.select_related("user").filter(
        subject_kind=SubjectKind.ENTERPRISE, subject_id__in=companies,
        basis=AuthorisationBasis.MANDATE).order_by("-recorded_at", "-id"))


def mandate_revoke(*, grantor: User, authorisation_id: int, reason: str) -> Authorisation:
    """The company's legal representative withdraws a mandate of the company."""
    mandate = Authorisation.objects.filter(pk=authorisation_id,
                                           basis=AuthorisationBasis.MANDATE).first()
    if mandate is None or _representative(grantor, mandate.subject_id) is None:
        raise NotAllowed(_("只有该企业的法定代表人可以撤销该授权"))
    return authorisation_revoke(authorisation_id=mandate.pk, actor=grantor, reason=reason)
