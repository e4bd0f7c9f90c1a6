"""The reform dashboard and its Excel export are for supervisors."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from onevisit.metrics.services import rollups_refresh_recent

pytestmark = pytest.mark.django_db


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_supervisors_see_the_figures_and_others_do_not(world, api):
    api["citizen"].post("/applications", world.house_payload())
    rollups_refresh_recent()

    page = _as(world.supervisor).get("/dashboard/").content.decode()

    assert "网上申请占比" in page
    assert 'id="dashboard-data"' in page
    assert "/static/vendor/echarts.min.js" in page
    for user in (world.citizen, world.clerk, world.reviewer(world.housing)):
        assert _as(user).get("/dashboard/").status_code == 403
        assert _as(user).get("/dashboard/export.xlsx").status_code == 403


def test_the_excel_export_holds_the_same_figures(world, api):
    api["citizen"].post("/applications", world.house_payload())
    rollups_refresh_recent()

    response = _as(world.supervisor).get("/dashboard/export.xlsx")

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["指标", "趋势", "部门", "超期", "监察评分·部门", "监察评分·窗口",
                               "四个平台"]
    tiles = {row[0]: row[1] for row in book["指标"].iter_rows(min_row=2, values_only=True)}
    assert tiles["申请件数"] == 1
    assert tiles["网上申请占比"] == 1.0
