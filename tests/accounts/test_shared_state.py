"""With Redis configured (ONEVISIT_REDIS_URL, docs/deploy.md) a web process keeps nothing
another one needs: sign-ins and the rate limits' counts live in Redis, where any process
finds them, and the database holds neither."""

from __future__ import annotations

import pickle
import subprocess
import sys
from typing import Any

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from onevisit import clock, topology
from onevisit.accounts.models import RateCounter
from tests.conftest import FIXED_START
from tests.factories import UserFactory
from tests.processes import process_env

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
SESSION_KEYS = "onevisit:1:django.contrib.sessions.cache*"


@pytest.fixture
def on_redis(redis_url: str, settings: Any) -> redis.Redis:
    """This process configured as `onevisit.settings` configures it for ONEVISIT_REDIS_URL;
    a client of the same Redis to look inside."""
    for name, value in topology.redis_settings(redis_url).items():
        setattr(settings, name, value)
    settings.ONEVISIT = {**settings.ONEVISIT, "RATE_COUNTERS": "cache"}
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def test_a_sign_in_lives_in_redis_and_ends_there(on_redis):
    citizen = UserFactory(username="citizen-r")
    browser = Client()

    signed_in = browser.post("/accounts/login/",
                             {"username": "citizen-r", "password": PASSWORD})

    assert signed_in.status_code == 302
    [key] = on_redis.keys(SESSION_KEYS)
    assert key.decode().endswith(browser.cookies["sessionid"].value)
    assert pickle.loads(on_redis.get(key))["_auth_user_id"] == str(citizen.pk)  # noqa: S301 - Django's own cache entry
    assert not Session.objects.exists()
    # A browser with only the cookie (as another web process would see it) is signed in.
    other = Client()
    other.cookies["sessionid"] = browser.cookies["sessionid"].value
    assert other.get("/me/").status_code == 200

    browser.post("/accounts/logout/")

    assert on_redis.keys(SESSION_KEYS) == []
    assert other.get("/me/").status_code == 302  # to the sign-in page


def test_one_address_is_counted_across_processes_and_held_back(on_redis, redis_url, settings,
                                                               tmp_path):
    settings.ONEVISIT = {**settings.ONEVISIT, "RATE_LIMITS": {"signin": "4/h"}}
    UserFactory(username="clerk-r", clerk=True)
    address = "127.0.5.5"

    def guess() -> int:
        return Client().post("/accounts/login/", {"username": "clerk-r", "password": "guess"},
                             REMOTE_ADDR=address).status_code

    with clock.frozen_at(FIXED_START):
        assert [guess(), guess()] == [200, 200]
        _guesses_in_another_process(redis_url, tmp_path, address=address, count=2)
        held = Client().post("/accounts/login/",
                             {"username": "clerk-r", "password": PASSWORD},
                             REMOTE_ADDR=address)
        other_address = Client().post("/accounts/login/",
                                      {"username": "clerk-r", "password": PASSWORD},
                                      REMOTE_ADDR="127.0.5.6")

    assert held.status_code == 429
    assert other_address.status_code == 302
    assert not RateCounter.objects.exists()
    [key] = on_redis.keys("onevisit:1:rate:signin:*")
    assert int(on_redis.get(key)) == 4
    assert 0 < on_redis.ttl(key) <= 2 * 3600
    assert address.encode() not in key  # the address itself is not kept


def _guesses_in_another_process(redis_url: str, tmp_path: Any, *, address: str,
                                count: int) -> None:
    """Wrong passwords counted by another process of the same deployment, at the moment
    this test's clock shows."""
    script = (
        "import datetime as dt, django; django.setup()\n"
        "from onevisit import clock\n"
        "from onevisit.accounts.services import rate_limit_hit\n"
        f"with clock.frozen_at(dt.datetime.fromisoformat({FIXED_START.isoformat()!r})):\n"
        f"    for _ in range({count}): rate_limit_hit(scope='signin', address={address!r})\n"
    )
    subprocess.run(
        [sys.executable, "-c", script], check=True, timeout=120, capture_output=True,
        env=process_env(
            ONEVISIT_DATA_DIR=str(tmp_path), ONEVISIT_SECRET_KEY="s" * 50,
            # Every process of a deployment has the same digest key (docs/deploy.md).
            ONEVISIT_DIGEST_KEY=settings.ONEVISIT["DIGEST_KEYS"][0],
            ONEVISIT_RATE_LIMITS="signin=4/h", ONEVISIT_REDIS_URL=redis_url),
    )
