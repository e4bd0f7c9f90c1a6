"""改革建言: anyone submits; a supervisor publishes or rejects with a reason; public
replies; the contact is never public, the name only masked."""

from __future__ import annotations

import pytest
from django.test import Client

from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.feedback.models import Suggestion
from onevisit.feedback.services import (
    suggestion_moderate,
    suggestion_reply,
    suggestion_submit,
)
from tests.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _state(suggestion: Suggestion) -> tuple:
    suggestion.refresh_from_db()
    return (suggestion.status, suggestion.reject_reason, suggestion.reply,
            suggestion.moderated_at)


def test_a_visitor_suggests_and_it_shows_only_once_published_with_the_reply(world):
    visitor = Client()
    visitor.post("/suggestions/", {"region": "330106", "title": "大厅增设母婴室",
                                   "body": "带孩子办事不方便，建议增设母婴室。",
                                   "author_name": "李晓红", "contact": "13900001111"})
    suggestion = Suggestion.objects.get()
    assert suggestion.status == "pending"
    assert "大厅增设母婴室" not in Client().get("/suggestions/").content.decode()

    supervisor = Client()
    supervisor.force_login(world.supervisor)
    assert "大厅增设母婴室" in supervisor.get("/dashboard/suggestions/").content.decode()
    supervisor.post(f"/dashboard/suggestions/{suggestion.pk}/publish/")
    supervisor.post(f"/dashboard/suggestions/{suggestion.pk}/reply/",
                    {"reply": "已在二楼增设母婴室，感谢建议。"})

    page = Client().get("/suggestions/").content.decode()
    assert "大厅增设母婴室" in page
    assert "已在二楼增设母婴室" in page
    assert "李**" in page
    assert "李晓红" not in page
    assert "13900001111" not in page


def test_moderation_rejects_with_a_reason_and_refusals_change_nothing(world):
    suggestion = suggestion_submit(region_code="330106", title="骂人的话", body="……")
    before = _state(suggestion)
    with pytest.raises(NotAllowed):
        suggestion_moderate(suggestion_id=suggestion.pk, actor=world.reviewer(world.housing),
                            publish=True)
    with pytest.raises(InvalidInput):  # a rejection needs its reason
        suggestion_moderate(suggestion_id=suggestion.pk, actor=world.supervisor,
                            publish=False)
    with pytest.raises(Conflict):  # no reply before it is published
        suggestion_reply(suggestion_id=suggestion.pk, actor=world.supervisor, reply="好")
    elsewhere = UserFactory(username="sup-bj", supervisor=True,
                            region=RegionFactory(code="110101", name="东城区"))
    with pytest.raises(NotFound):  # another region's supervisor does not see it
        suggestion_moderate(suggestion_id=suggestion.pk, actor=elsewhere, publish=True)
    assert _state(suggestion) == before

    suggestion_moderate(suggestion_id=suggestion.pk, actor=world.supervisor, publish=False,
                        reason="含有不文明用语")
    after = _state(suggestion)
    assert after[:2] == ("rejected", "含有不文明用语")
    with pytest.raises(Conflict):
        suggestion_moderate(suggestion_id=suggestion.pk, actor=world.supervisor, publish=True)
    assert _state(suggestion) == after
    assert "骂人的话" not in Client().get("/suggestions/").content.decode()


def test_a_bad_submission_names_each_field_and_stores_nothing(world):
    with pytest.raises(InvalidInput) as refused:
        suggestion_submit(region_code="999999", title="", body="x" * 3001)
    assert set(refused.value.errors) == {"title", "body", "region"}
    assert not Suggestion.objects.exists()


def test_a_reply_is_given_once(world):
    suggestion = suggestion_submit(region_code="330106", title="延长周末办理时间",
                                   body="周六也开门")
    suggestion_moderate(suggestion_id=suggestion.pk, actor=world.supervisor, publish=True)
    suggestion_reply(suggestion_id=suggestion.pk, actor=world.supervisor, reply="周六上午开放")
    with pytest.raises(Conflict):
        suggestion_reply(suggestion_id=suggestion.pk, actor=world.supervisor, reply="改了")
    suggestion.refresh_from_db()
    assert suggestion.reply == "周六上午开放"


def test_the_form_offers_only_the_regions_this_site_serves(world):
    RegionFactory(code="110101", name="东城区")  # a region no department here serves

    page = Client().get("/suggestions/").content.decode()
    select = page[page.index('<select id="s-region"'):]
    select = select[:select.index("</select>")]

    assert ">西湖区<" in select
    assert "东城区" not in select
    assert '<option value="">请选择</option>' in select  # no region is chosen for her


def test_a_published_author_is_masked_without_telling_the_names_length(world):
    suggestion = suggestion_submit(region_code="330106", title="布局图示例", body="请给出示例",
                                   author_name="徐辉", contact="13800001234")
    suggestion_moderate(suggestion_id=suggestion.pk, actor=world.supervisor, publish=True)

    page = Client().get("/suggestions/").content.decode()
    api = Client().get("/api/v1/suggestions").json()

    assert "徐**" in page
    assert "徐辉" not in page
    assert api[0]["author"] == "徐**"
