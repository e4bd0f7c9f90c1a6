"""Who reaches the verdict's pages: the public ones anyone, the boards supervisors only,
the workbench pages staff only; another region's supervisor sees nothing of this one's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from onevisit.feedback.models import Survey
from onevisit.feedback.services import (
    QuestionInput,
    evaluation_sample_draw,
    rating_submit,
    suggestion_submit,
    survey_create,
)
from tests.factories import DepartmentFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

BOARDS = ("/dashboard/verdict/", "/dashboard/surveys/", "/dashboard/suggestions/",
          "/dashboard/evaluations/")


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_public_pages_need_no_account():
    assert Client().get("/verdict/").status_code == 200
    assert Client().get("/suggestions/").status_code == 200
    assert Client().get("/s/no-such-token/").status_code == 404


def test_boards_are_the_supervisors(world):
    for user in (world.citizen, world.clerk, world.reviewer(world.housing)):
        for path in BOARDS:
            assert _as(user).get(path).status_code == 403, (user.username, path)
    for path in BOARDS:
        assert _as(world.supervisor).get(path).status_code == 200, path
        assert Client().get(path).status_code == 302  # to sign in
    assert _as(world.citizen).get("/workbench/rectifications/").status_code == 403
    assert _as(world.supervisor).get("/workbench/rectifications/").status_code == 403
    assert _as(world.citizen).get("/workbench/experience/").status_code == 403
    assert _as(world.reviewer(world.tax)).get("/workbench/experience/").status_code == 200


def test_another_regions_supervisor_sees_nothing_of_this_one(world, finish):
    finish()
    day = dt.date(2026, 12, 8)
    survey = survey_create(title="西湖区调查", actor=world.supervisor,
                           questions=[QuestionInput(kind="scale", text="评分")])
    sample = evaluation_sample_draw(actor=world.supervisor, title="西湖区评估", size=1,
                                    completed_from=day, completed_until=day)
    suggestion_submit(region_code="330106", title="西湖区的建言", body="内容")
    elsewhere = _as(UserFactory(username="sup-bj", supervisor=True,
                                region=RegionFactory(code="110101", name="东城区")))

    assert elsewhere.get(f"/dashboard/surveys/{survey.pk}/").status_code == 404
    assert elsewhere.get(f"/dashboard/evaluations/{sample.pk}/").status_code == 404
    assert "西湖区的建言" not in elsewhere.get("/dashboard/suggestions/").content.decode()
    elsewhere.post(f"/dashboard/surveys/{survey.pk}/send/",
                   {"size": "1", "completed_from": "2026-12-08",
                    "completed_until": "2026-12-08"})
    assert Survey.objects.get().status == "draft"
    response = elsewhere.post(f"/dashboard/evaluations/{sample.pk}/export/",
                              {"purpose": "看看"})
    assert response.status_code == 404
    assert not sample.exports.exists()


def test_a_city_supervisor_compares_her_counties_on_the_verdict_board(world, finish):
    number = finish()
    rating_submit(number=number, score=1, reasons=["slow"], comment="太慢", actor=world.citizen)
    RegionFactory(code="3301", name="杭州市", level="city")
    DepartmentFactory(code="yh-test", name="余杭区测试局",
                      region=RegionFactory(code="330110", name="余杭区"))
    city = _as(UserFactory(username="city", supervisor=True,
                           region=RegionFactory(code="3301", name="杭州市", level="city")))

    whole = city.get("/dashboard/verdict/").content.decode()
    yuhang = city.get("/dashboard/verdict/?region=330110").content.decode()
    xihu = city.get("/dashboard/verdict/?region=330106").content.decode()
    beyond = city.get("/dashboard/verdict/?region=110101").content.decode()

    assert world.housing.name in whole
    assert '<option value="330110" selected>余杭区</option>' in yuhang
    assert world.housing.name not in yuhang
    assert world.housing.name in xihu
    assert world.housing.name in beyond  # not hers to pick: her whole city
    # A county's supervisor has no county to pick.
    assert 'id="verdict-region"' not in _as(world.supervisor).get(
        "/dashboard/verdict/").content.decode()


def test_a_refused_questionnaire_or_sample_keeps_what_was_typed(world):
    board = _as(world.supervisor)

    response = board.post("/dashboard/surveys/", {
        "title": "窗口服务调查", "intro": "一分钟", "kind1": "choice", "text1": "是否一次办成",
        "choices1": "是", "kind2": "scale", "text2": "窗口服务评分"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "问卷有误" in page
    assert 'value="窗口服务调查"' in page
    assert 'value="是否一次办成"' in page
    assert 'value="scale" selected' in page
    assert not Survey.objects.exists()

    response = board.post("/dashboard/evaluations/", {
        "title": "电话访谈", "size": "5", "completed_from": "2026-12-10",
        "completed_until": "2026-12-01"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "抽样设置有误" in page
    assert 'value="电话访谈"' in page
    assert 'value="2026-12-10"' in page


def test_a_supervisor_builds_a_questionnaire_on_the_page(world):
    board = _as(world.supervisor)
    response = board.post("/dashboard/surveys/", {
        "title": "窗口服务调查", "kind1": "scale", "text1": "窗口服务评分",
        "kind2": "choice", "text2": "是否一次办成", "choices2": "是/否",
        "kind3": "text", "text3": ""}, follow=True)
    survey = Survey.objects.get()
    assert [(q.kind, q.text, q.choices) for q in survey.questions.all()] == [
        ("scale", "窗口服务评分", []), ("choice", "是否一次办成", ["是", "否"])]
    assert "窗口服务调查" in response.content.decode()


def test_a_refused_sample_comes_back_with_what_was_typed_and_sends_nothing(world):
    survey = survey_create(title="办事体验调查", actor=world.supervisor,
                           questions=[QuestionInput(kind="scale", text="评分")])
    response = _as(world.supervisor).post(f"/dashboard/surveys/{survey.pk}/send/", {
        "size": "5", "completed_from": "2026-12-10", "completed_until": "2026-12-01",
        "seed": "种子-甲"})

    assert response.status_code in (400, 422)
    page = response.content.decode()
    assert 'value="2026-12-10"' in page
    assert 'value="种子-甲"' in page
    survey.refresh_from_db()
    assert survey.status == "draft"
    assert not survey.invitations.exists()
