"""Sign-in is throttled per account and, with a higher limit, per address; staff sign-ins
last a working day."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from onevisit.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def _sign_in(client: Client, username: str, password: str, address: str = "127.0.0.9") -> int:
    return client.post("/accounts/login/", {"username": username, "password": password},
                       REMOTE_ADDR=address).status_code


def test_wrong_passwords_lock_the_account_with_a_clear_message():
    UserFactory(username="reviewer-a", reviewer=True)
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT

    codes = [_sign_in(client, "reviewer-a", "wrong", address=f"127.0.1.{n}")
             for n in range(limit)]
    locked = client.post("/accounts/login/",
                         {"username": "reviewer-a", "password": PASSWORD},
                         REMOTE_ADDR="127.0.2.1")

    assert codes[:-1] == [200] * (limit - 1)  # the form again, with its error
    assert locked.status_code == 429
    assert "该账户密码错误次数过多，已暂停登录 15 分钟" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(action="account.sign_in_locked").last()
    assert event is not None
    assert (event.entity_id, event.data) == ("reviewer-a", {"address": "127.0.2.1"})


def test_a_mistyped_account_does_not_lock_out_its_colleagues_at_the_same_address():
    UserFactory(username="clerk-a", clerk=True)
    UserFactory(username="clerk-b", clerk=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(Client(), "clerk-a", "typo", address="127.0.3.3")

    assert _sign_in(Client(), "clerk-a", PASSWORD, address="127.0.3.3") == 429
    assert _sign_in(Client(), "clerk-b", PASSWORD, address="127.0.3.3") == 302


def test_one_address_guessing_many_accounts_is_held_back(settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "RATE_LIMITS": {"signin": "6/h"}}
    for n in range(6):
        UserFactory(username=f"clerk-{n}", clerk=True)
    for n in range(6):
        _sign_in(Client(), f"clerk-{n}", "guess", address="127.0.3.5")

    held = Client().post("/accounts/login/", {"username": "clerk-0", "password": PASSWORD},
                         REMOTE_ADDR="127.0.3.5")
    assert held.status_code == 429
    assert "从您所在网络提交的错误密码过多" in held.content.decode()
    assert _sign_in(Client(), "clerk-0", PASSWORD, address="127.0.3.6") == 302


def test_a_right_password_before_the_limit_signs_in():
    UserFactory(username="citizen-a")
    client = Client()
    _sign_in(client, "citizen-a", "wrong")

    assert _sign_in(client, "citizen-a", PASSWORD) == 302
    assert "_auth_user_id" in client.session


def test_a_staff_sign_in_lasts_a_working_day_and_a_citizens_its_own():
    staff = Client()
    citizen = Client()
    UserFactory(username="supervisor-a", supervisor=True)
    UserFactory(username="citizen-b")

    _sign_in(staff, "supervisor-a", PASSWORD)
    _sign_in(citizen, "citizen-b", PASSWORD)
    staff.get("/")
    citizen.get("/")

    assert abs(staff.session.get_expiry_age() - 9 * 3600) < 60
    assert citizen.session.get_expiry_age() == 24 * 3600
