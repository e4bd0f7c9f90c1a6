"""API tokens: stored hashed, expire, listed and revoked (CLI and admin)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from onevisit import clock
from onevisit.accounts.models import ApiToken
from onevisit.accounts.services import api_token_create
from onevisit.audit.models import AuditEvent
from onevisit.errors import InvalidInput
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def _get(key: str) -> int:
    return Client().get("/api/v1/applications",
                        headers={"Authorization": f"Bearer {key}"}).status_code


def test_a_token_is_stored_hashed_and_works_until_it_expires():
    user = UserFactory(username="alice")
    with clock.frozen_at(T0):
        key = api_token_create(user=user, name="laptop", days=30)
        assert _get(key) == 200
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.key_hash, token.prefix, token.name}
    assert token.prefix == key[:8]
    assert token.expires_at == T0 + dt.timedelta(days=30)
    assert token.last_used_at == T0
    with clock.frozen_at(T0 + dt.timedelta(days=30)):
        assert _get(key) == 401


def test_a_revoked_token_stops_at_once_and_revoking_twice_changes_nothing():
    user = UserFactory(username="bob")
    key = api_token_create(user=user, name="script")
    token = ApiToken.objects.get()
    out = io.StringIO()

    call_command("token", "revoke", str(token.pk), stdout=out)

    assert "revoked" in out.getvalue()
    assert _get(key) == 401
    revoked_at = ApiToken.objects.get().revoked_at
    events = AuditEvent.objects.filter(action="api_token.revoked").count()
    call_command("token", "revoke", str(token.pk), stdout=io.StringIO())
    assert ApiToken.objects.get().revoked_at == revoked_at
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == events == 1
    with pytest.raises(CommandError, match="没有该令牌"):
        call_command("token", "revoke", "999")


def test_the_token_list_shows_each_state_without_the_key():
    user = UserFactory(username="carol")
    with clock.frozen_at(T0):
        old = api_token_create(user=user, name="old", days=1)
        active = api_token_create(user=user, name="active", days=90)
        gone = api_token_create(user=user, name="gone")
    call_command("token", "revoke", str(ApiToken.objects.get(name="gone").pk),
                 stdout=io.StringIO())
    out = io.StringIO()

    with clock.frozen_at(T0 + dt.timedelta(days=2)):
        call_command("token", "list", "carol", stdout=out)

    lines = {line.split("\t")[2]: line.split("\t")[4] for line in out.getvalue().splitlines()}
    assert lines == {"old": "expired", "active": "active", "gone": "revoked"}
    assert not any(key in out.getvalue() for key in (old, active, gone))


def test_a_lifetime_out_of_range_is_refused_and_nothing_is_made():
    user = UserFactory(username="dave")

    with pytest.raises(InvalidInput):
        api_token_create(user=user, name="forever", days=10000)

    assert not ApiToken.objects.exists()


def test_the_admin_revokes_tokens_and_cannot_add_or_delete_them():
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    key = api_token_create(user=UserFactory(username="erin"), name="x")
    browser = Client()
    browser.force_login(admin)

    assert browser.get("/admin/accounts/apitoken/add/").status_code == 403
    response = browser.post("/admin/accounts/apitoken/", {
        "action": "_tokens_revoke", "_selected_action": [ApiToken.objects.get().pk]})

    assert response.status_code == 302
    assert _get(key) == 401


def test_the_admin_refuses_a_mandate_without_an_end_beside_its_field_and_saves_nothing():
    from onevisit.accounts.models import Authorisation
    from tests.factories import resident_id

    admin = UserFactory(username="root2", is_staff=True, is_superuser=True)
    agent = UserFactory(username="agent-li")
    browser = Client()
    browser.force_login(admin)

    response = browser.post("/admin/accounts/authorisation/add/", {
        "user": agent.pk, "subject_kind": "person", "subject_id": resident_id(seq="990"),
        "subject_name": "赵秀英", "basis": "mandate", "scope": "[]",
        "valid_from_0": "2026-12-01", "valid_from_1": "09:00:00", "valid_until_0": "",
        "valid_until_1": "", "document": "WT-1",
    })

    assert response.status_code == 200  # the form again, not a redirect with "added"
    page = response.content.decode()
    assert "授权委托必须写明有效期" in page
    assert "成功" not in page
    assert not Authorisation.objects.exists()
