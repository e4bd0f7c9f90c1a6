"""Refusals and missing pages are the site's own pages, in the reader's language, with the
reason and a way back — not Django's bare English ones."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_refused_page_says_why_with_the_site_around_it(world):
    clerk = Client()
    clerk.force_login(world.clerk)

    response = clerk.get("/12345/")

    page = response.content.decode()
    assert response.status_code == 403
    assert "工作人员请在 12345 热线工作台登记工单" in page
    assert 'class="site-name"' in page
    assert "返回首页" in page


def test_a_missing_page_offers_search_and_home(world):
    response = Client().get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page
    assert 'href="/search/"' in page
