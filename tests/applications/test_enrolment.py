"""Becoming an applicant: self-registration with an SMS code, binding an account to a
company as its legal representative, and 授权委托 granted, expired and revoked."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from stdnum.cn import uscc

from onevisit import clock
from onevisit.accounts.models import Authorisation, PhoneCode, User
from onevisit.accounts.services import PHONE_CODE_ATTEMPTS
from onevisit.applications.models import Application
from onevisit.applications.services.enrolment import (
    citizen_register,
    company_bind_as_representative,
    mandate_grant,
    mandate_revoke,
)
from onevisit.catalogue.models import FieldDef
from onevisit.catalogue.services import item_publish
from onevisit.errors import Conflict, InvalidInput, NotAllowed, TooManyRequests
from onevisit.exchange.models import AccessLog
from onevisit.exchange.services import registry_record_put, subject_digest
from onevisit.notifications.models import OutboxMessage
from onevisit.notifications.services import phone_code_send
from tests.factories import (
    EvidenceTypeFactory,
    ItemFieldFactory,
    MaterialFactory,
    ServiceItemFactory,
    UserFactory,
    resident_id,
)

pytestmark = pytest.mark.django_db

COMPANY = "91330106MA2B3C4D5"
USCC = COMPANY + uscc.calc_check_digit(COMPANY)
PERSON = resident_id(birth="19900101", seq="123")
PASSWORD = "a long enough passphrase"


@pytest.fixture
def registries(world: Any, settings: Any) -> Any:
    """The population and enterprise registries sign-up and binding check against, and an
    item a company files."""
    settings.ONEVISIT = {**settings.ONEVISIT, "PERSON_EVIDENCE": "resident-id-card",
                         "ENTERPRISE_EVIDENCE": "business-licence"}
    licence = EvidenceTypeFactory(code="business-licence", name="营业执照", source="enterprise",
                                  subject_kind="enterprise", subject_field="")
    item = ServiceItemFactory(code="330106-SC-001", name="食品经营许可", department=world.housing)
    ItemFieldFactory(item=item, field=FieldDef.objects.get(key="phone"), order=0)
    MaterialFactory(item=item, code="licence", name="营业执照", evidence_type=licence)
    item_publish(item=item, actor=None)
    registry_record_put(source="enterprise", evidence_type="business-licence", subject=USCC,
                        data={"name": "杭州西湖示例餐饮有限公司", "legal_representative": "王小明"})
    registry_record_put(source="population", evidence_type="resident-id-card", subject=PERSON,
                        data={"name": "李华"})
    return world


def _code(phone: str) -> str:
    sms = OutboxMessage.objects.filter(to=f"+86{phone}").order_by("-id").first()
    assert sms is not None
    found = re.search(r"\d{6}", sms.body)
    assert found is not None
    return found.group(0)


def _register(**overrides: str) -> User:
    values = {"phone": "13900001111", "name": "李华", "id_number": PERSON,
              "password": PASSWORD} | overrides
    if "code" not in values:
        values["code"] = _code(values["phone"])
    return citizen_register(**values)


def test_a_citizen_signs_up_with_the_code_sent_to_her_phone(registries):
    phone_code_send(phone="13900001111", address="10.0.0.1")

    user = _register()

    assert (user.username, user.phone, user.first_name, user.id_number, user.role) == (
        "13900001111", "+8613900001111", "李华", PERSON, "citizen")
    assert user.check_password(PASSWORD)
    stored = PhoneCode.objects.get()
    assert stored.used_at is not None
    assert _code("13900001111") not in stored.code_hash  # only the keyed hash is kept
    # The identity check is in her own access log.
    assert AccessLog.objects.filter(subject_digest=subject_digest(PERSON),
                                    evidence_type="resident-id-card").count() == 1
    with pytest.raises(InvalidInput) as again:  # the code is used up, the phone taken
        _register(code=_code("13900001111"))
    assert set(again.value.errors) == {"phone", "id_number"}


def test_wrong_codes_count_and_then_even_the_right_one_is_refused(registries):
    phone_code_send(phone="13900001111", address="10.0.0.1")
    right = _code("13900001111")
    wrong = "000000" if right != "000000" else "111111"

    for _ in range(PHONE_CODE_ATTEMPTS):
        with pytest.raises(InvalidInput) as wrong_code:
            _register(code=wrong)
        assert str(wrong_code.value.errors["code"]) == "验证码不正确"
    with pytest.raises(InvalidInput) as too_many:
        _register(code=right)
    assert "错误次数过多" in str(too_many.value.errors["code"])

    assert not User.objects.filter(phone="+8613900001111").exists()


def test_an_expired_code_is_refused(registries):
    sent = dt.datetime(2026, 11, 18, 2, tzinfo=dt.UTC)
    with clock.frozen_at(sent):
        phone_code_send(phone="13900001111", address="10.0.0.1")
    with clock.frozen_at(sent + dt.timedelta(minutes=11)), pytest.raises(
            InvalidInput) as expired:
        _register()
    assert "已过期" in str(expired.value.errors["code"])
    assert not User.objects.filter(phone="+8613900001111").exists()


def test_a_name_the_registry_does_not_hold_is_refused_before_the_code_is_tried(registries):
    phone_code_send(phone="13900001111", address="10.0.0.1")

    with pytest.raises(InvalidInput) as refused:
        _register(name="李四")

    assert set(refused.value.errors) == {"name"}
    assert PhoneCode.objects.get().attempts == 0
    assert not User.objects.filter(phone="+8613900001111").exists()


def test_codes_are_rate_limited_per_phone(registries, settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "RATE_LIMITS": {"phone_code": "2/h"}}
    phone_code_send(phone="13900001111", address="10.0.0.1")
    phone_code_send(phone="13900001111", address="10.0.0.2")

    with pytest.raises(TooManyRequests):
        phone_code_send(phone="13900001111", address="10.0.0.3")
    assert OutboxMessage.objects.count() == 2


def test_the_legal_representative_binds_her_account_to_the_company(registries):
    binding = company_bind_as_representative(user=registries.citizen, uscc=USCC)

    assert (binding.basis, binding.subject_id, binding.subject_name) == (
        "legal_representative", USCC, "杭州西湖示例餐饮有限公司")
    assert AccessLog.objects.filter(subject_digest=subject_digest(USCC)).count() == 1
    with pytest.raises(Conflict):
        company_bind_as_representative(user=registries.citizen, uscc=USCC)
    assert Authorisation.objects.count() == 1


def test_someone_the_registry_does_not_name_cannot_bind_as_representative(registries):
    other = UserFactory(username="other", first_name="张三", id_number=PERSON)

    with pytest.raises(NotAllowed):
        company_bind_as_representative(user=other, uscc=USCC)
    with pytest.raises(InvalidInput):
        company_bind_as_representative(user=other, uscc=USCC[:-2] + "00")

    assert Authorisation.objects.count() == 0
    # The company sees that the registry was read for it.
    assert AccessLog.objects.filter(subject_digest=subject_digest(USCC)).count() == 1


def _company_filing(api_client: Any) -> Any:
    return api_client.post("/applications", {
        "item_code": "330106-SC-001",
        "applicant": {"kind": "enterprise", "name": "杭州西湖示例餐饮有限公司", "id_number": USCC},
        "data": {"phone": "13812345678"}, "consent_to_fetch": True})


def test_an_agent_files_for_the_company_until_her_mandate_is_revoked(registries):
    from tests.conftest import Api

    agent = UserFactory(username="13900002222", first_name="赵六",
                        id_number=resident_id(seq="456"))
    company_bind_as_representative(user=registries.citizen, uscc=USCC)
    mandate = mandate_grant(grantor=registries.citizen, uscc=USCC, agent_username=agent.username,
                            scope=["330106-SC-001"],
                            valid_until=clock.now() + dt.timedelta(days=30))
    client = Api(agent)

    assert _company_filing(client).status_code == 201
    mandate_revoke(grantor=registries.citizen, authorisation_id=mandate.pk, reason="已离职")
    refused = _company_filing(client)

    assert refused.status_code == 403
    assert Application.objects.count() == 1
    with pytest.raises(Conflict):  # revoking twice changes nothing
        mandate_revoke(grantor=registries.citizen, authorisation_id=mandate.pk, reason="再次")
    mandate.refresh_from_db()
    assert mandate.revoke_reason == "已离职"


def test_an_expired_mandate_files_nothing(registries):
    from tests.conftest import Api

    agent = UserFactory(username="13900002222", first_name="赵六",
                        id_number=resident_id(seq="456"))
    granted = dt.datetime(2026, 11, 2, 2, tzinfo=dt.UTC)
    with clock.frozen_at(granted):
        company_bind_as_representative(user=registries.citizen, uscc=USCC)
        mandate_grant(grantor=registries.citizen, uscc=USCC, agent_username=agent.username,
                      scope=[], valid_until=granted + dt.timedelta(days=7))

    with clock.frozen_at(granted + dt.timedelta(days=8)):
        refused = _company_filing(Api(agent))

    assert refused.status_code == 403
    assert Application.objects.count() == 0


def test_only_the_legal_representative_grants_and_revokes(registries):
    agent = UserFactory(username="13900002222", first_name="赵六",
                        id_number=resident_id(seq="456"))
    with pytest.raises(NotAllowed):
        mandate_grant(grantor=agent, uscc=USCC, agent_username=registries.citizen.username,
                      scope=[], valid_until=clock.now() + dt.timedelta(days=7))
    company_bind_as_representative(user=registries.citizen, uscc=USCC)
    with pytest.raises(InvalidInput) as bad:
        mandate_grant(grantor=registries.citizen, uscc=USCC, agent_username=agent.username,
                      scope=["NO-SUCH-ITEM"], valid_until=clock.now() - dt.timedelta(days=1))
    assert set(bad.value.errors) == {"valid_until"}
    mandate = mandate_grant(grantor=registries.citizen, uscc=USCC,
                            agent_username=agent.username, scope=[],
                            valid_until=clock.now() + dt.timedelta(days=7))

    with pytest.raises(NotAllowed):
        mandate_revoke(grantor=agent, authorisation_id=mandate.pk, reason="我自己撤销")
    mandate.refresh_from_db()
    assert mandate.revoked_at is None
