"""Passwords are stored with Argon2 (DESIGN §8); the rest of the suite uses a cheap hash."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from onevisit import settings as project_settings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_passwords_are_stored_with_argon2_and_still_log_in(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS

    user = UserFactory(username="argon", password="correct horse battery")

    assert user.password.startswith("argon2$")
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="argon", password="correct horse battery") == user
    assert authenticate(request, username="argon", password="wrong horse") is None
