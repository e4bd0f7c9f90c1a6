"""Public pages: guides, a life event's one form and one material list, the four lists,
certificate verification."""

from __future__ import annotations

import pytest
from django.test import Client

from onevisit.catalogue.constants import ItemStatus
from onevisit.catalogue.models import ListEntry, ServiceItem
from onevisit.catalogue.services import list_entry_publish
from tests.conftest import Api

pytestmark = pytest.mark.django_db


def test_home_lists_life_events_and_finds_items(world):
    page = Client().get("/").content.decode()
    found = Client().get("/search/?q=施工许可").content.decode()

    assert "二手房交易登记一件事" in page
    assert "西湖区住房和城乡建设局" in page  # browse by department; items are not listed
    assert 'href="/items/330106-ZJ-009/"' in found


def test_an_item_guide_shows_what_the_applicant_needs_to_know(world):
    page = Client().get(f"/items/{world.transfer.code}/").content.decode()

    for text in ("房屋所有权转移登记", "西湖区不动产登记中心", "《中华人民共和国行政许可法》",
                 "不动产权证书", "政府部门已持有，您无需提交", "不动产登记申请书"):
        assert text in page, text


def test_a_life_event_guide_shows_one_form_and_one_material_list(world):
    page = Client().get("/life-events/house/").content.decode()

    assert page.count("不动产权证书") == 1  # asked for by two items, listed once
    assert "合同备案" in page
    assert "合同备案、缴税" in page  # the stages it waits for, by name


def test_unknown_or_draft_items_are_not_found(world):
    assert Client().get("/items/NO-SUCH/").status_code == 404
    assert Client().get("/life-events/nothing/").status_code == 404


def test_a_life_event_with_a_retired_item_is_not_found_rather_than_broken(world):
    ServiceItem.objects.filter(code=world.tax_item.code).update(status=ItemStatus.RETIRED)

    assert Client().get("/life-events/house/").status_code == 404
    assert _citizen(world).get("/apply/life-events/house/").status_code == 404
    filed = Api(world.citizen).post("/applications", world.house_payload())
    assert filed.status_code == 404
    assert "330106-SW-001" in filed.json()["message"]


def _citizen(world) -> Client:
    client = Client()
    client.force_login(world.citizen)
    return client


def test_only_published_list_entries_are_shown(world):
    shown = ListEntry.objects.create(kind="power", code="QL-1", title="房屋所有权转移登记权",
                                     item_codes=[world.transfer.code])
    ListEntry.objects.create(kind="negative", code="FM-9", title="尚未公布的条目")
    list_entry_publish(entry=shown, actor=None)

    page = Client().get("/lists/").content.decode()
    api = Client().get("/api/v1/lists/power").json()

    assert "房屋所有权转移登记权" in page
    assert "尚未公布的条目" not in page
    assert [e["code"] for e in api] == ["QL-1"]
    assert Client().get("/api/v1/lists/nonsense").status_code == 422


def test_verification_page_for_an_unknown_code(world):
    page = Client().get("/verify/?code=ABCDEFGHJKLM").content.decode()

    assert "没有与该核验码对应的证照" in page


def test_pages_switch_to_english(world):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    page = client.get("/").content.decode()

    assert 'lang="en"' in page


def test_pages_carry_a_content_security_policy_and_no_inline_code(world):
    response = Client().get("/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    page = response.content.decode()
    assert "<style" not in page
    assert "<script>" not in page
    assert 'style="' not in page


def test_the_stylesheet_is_one_of_our_own_static_files(world, client):
    from django.contrib.staticfiles import finders

    page = client.get("/").content.decode()

    assert 'href="/static/web/onevisit.css"' in page
    assert finders.find("web/onevisit.css") is not None


def test_front_end_packages_are_served_from_our_own_static_files(world, client):
    from django.contrib.staticfiles import finders

    page = client.get("/").content.decode()

    assert 'src="/static/vendor/htmx.min.js"' in page
    assert finders.find("vendor/htmx.min.js") is not None
    assert finders.find("vendor/echarts.min.js") is not None
    assert "cdn" not in page.lower()


def test_a_pages_message_line_names_at_most_ten_reasons():
    from onevisit.errors import InvalidInput
    from onevisit.web.outcomes import error_text

    text = error_text(InvalidInput("表单有误", {f"f{n}": f"原因{n}" for n in range(25)}))

    assert text == "表单有误：" + "；".join(f"原因{n}" for n in range(10)) + "；另有 15 处"
