"""The public pages a visitor without a session reads most are made once per published
catalogue and language and then served from the cache (web.page_cache): never stale —
whatever they show bumps the catalogue revision when it changes — and each visitor still
gets her own CSP nonce and CSRF token."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onevisit import clock, topology
from onevisit.catalogue.models import ChargeRule, ServiceItem
from onevisit.catalogue.services import catalogue_revision_bump
from onevisit.hall.models import Hall
from onevisit.search.constants import LIFE_EVENT
from onevisit.search.services import DocumentInput, search_document_put
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def visit(path: str, client: Client | None = None) -> tuple[str, int]:
    """The page, and how many queries making or serving it took."""
    with CaptureQueriesContext(connection) as queries:
        response = (client or Client()).get(path)
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def test_a_second_visitor_gets_the_stored_page_with_her_own_token(world):
    catalogue_revision_bump()
    first, made = visit("/")
    browser = Client()
    response = browser.get("/")
    second = response.content.decode()

    assert "二手房交易登记一件事" in second
    # Everything but the visitor's own CSRF token is the stored page.
    assert TOKEN.sub("", first) == TOKEN.sub("", second)
    assert TOKEN.search(second)[1] != TOKEN.search(first)[1]  # type: ignore[index]
    # The token works with the cookie this answer set: she can switch the language.
    assert "csrftoken" in response.cookies
    browser_with_checks = Client(enforce_csrf_checks=True)
    browser_with_checks.cookies = browser.cookies
    switched = browser_with_checks.post("/i18n/setlang/", {
        "language": "en", "next": "/", "csrfmiddlewaretoken": TOKEN.search(second)[1]})  # type: ignore[index]
    assert switched.status_code == 302
    # Served from the cache: the revision is the one query.
    assert visit("/")[1] == 1 < made


def test_publishing_or_a_changed_department_name_or_hall_shows_at_once(world):
    catalogue_revision_bump()
    visit("/")
    visit(f"/items/{world.transfer.code}/")

    world.transfer.department.name = "西湖区不动产登记服务中心"
    world.transfer.department.save()
    assert "西湖区不动产登记服务中心" in visit("/")[0]

    Hall.objects.create(code="xh", name="西湖区行政服务中心", region_id="330106",
                        address="西湖区文三路 xxx 号")
    assert "西湖区文三路 xxx 号" in visit(f"/items/{world.transfer.code}/")[0]

    ServiceItem.objects.filter(pk=world.transfer.pk).update(name="房屋所有权转移登记（新）")
    assert "（新）" not in visit(f"/items/{world.transfer.code}/")[0]  # not published yet
    catalogue_revision_bump()  # as publishing does
    assert "（新）" in visit(f"/items/{world.transfer.code}/")[0]


def test_a_guide_shows_the_charges_in_force_on_the_day_it_is_read(world):
    catalogue_revision_bump()
    ChargeRule.objects.create(
        code="registration-fee", item_code=world.transfer.code, charge="不动产登记费",
        kind="fee", amount_yuan=Decimal("80.00"), note="住宅类不动产登记，每件",
        legal_basis="发改价格规〔2016〕2559号", valid_from=dt.date(2017, 1, 1),
        valid_to=dt.date(2026, 12, 31))
    path = f"/items/{world.transfer.code}/"
    with clock.frozen_at(dt.datetime(2026, 12, 31, 9, 0, tzinfo=dt.UTC)):
        assert "不动产登记费" in visit(path)[0]
        assert "不动产登记费" in visit(path)[0]
    with clock.frozen_at(dt.datetime(2027, 1, 2, 9, 0, tzinfo=dt.UTC)):
        assert "不动产登记费" not in visit(path)[0]


def test_search_shows_a_new_document_at_once(world):
    catalogue_revision_bump()
    assert "开办一件事" not in visit("/search/?q=食堂")[0]

    search_document_put(document=DocumentInput(
        kind=LIFE_EVENT, key="canteen", title="社区食堂开办一件事", keywords="食堂",
        body="食品经营许可、消防检查一窗受理。"))

    assert "开办一件事" in visit("/search/?q=食堂")[0]


def test_each_language_and_the_elder_version_have_their_own_page(world):
    catalogue_revision_bump()
    chinese = visit("/")[0]
    english = Client(headers={"Accept-Language": "en"})
    elder = Client()
    elder.cookies["onevisit_elder"] = "1"

    assert visit("/", english)[0] != chinese
    assert 'lang="en"' in visit("/", english)[0]
    assert 'class="elder"' in visit("/", elder)[0]
    assert 'class="elder"' not in visit("/")[0]


def test_a_signed_in_visitor_gets_her_own_page(world):
    catalogue_revision_bump()
    visit("/")
    citizen = UserFactory(first_name="王小明")
    browser = Client()
    browser.force_login(citizen)

    assert "王小明" in visit("/", browser)[0]
    assert "王小明" not in visit("/")[0]


@pytest.fixture
def on_redis(redis_url: str, settings: Any) -> redis.Redis:
    """The cache in Redis as `onevisit.settings` configures it for ONEVISIT_REDIS_URL, with
    each process's copy of the pages in front of it."""
    for name, value in topology.redis_settings(redis_url).items():
        setattr(settings, name, value)
    caches["pages"].clear()
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def test_with_the_cache_in_redis_a_process_keeps_its_own_copy_never_stale(world, on_redis):
    catalogue_revision_bump()
    first, made = visit("/")
    assert "二手房交易登记一件事" in first
    assert on_redis.keys("onevisit:1:page:*")  # shared with the other web processes

    # Another process's copy (here: this one's, emptied) is fetched from Redis once.
    caches["pages"].clear()
    assert visit("/")[1] == 1 < made
    # Then served from the process's copy even with Redis emptied.
    on_redis.flushdb()
    page, queries = visit("/")
    assert TOKEN.sub("", page) == TOKEN.sub("", first)
    assert queries == 1  # the revision: not made again
    assert not on_redis.keys("onevisit:1:page:*")

    # Publishing anything is seen at once, by every process: the key names the revision.
    guide = f"/items/{world.transfer.code}/"
    visit(guide)
    ServiceItem.objects.filter(pk=world.transfer.pk).update(name="房屋所有权转移登记（新）")
    assert "（新）" not in visit(guide)[0]  # not published yet: the stored copy
    catalogue_revision_bump()  # as publishing does
    assert "（新）" in visit(guide)[0]
