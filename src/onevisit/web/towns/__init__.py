"""Pages of 特色小镇 (docs/towns.md). Staff (Role.TOWNS): a county's officer declares her
towns and reports their figures each year; the joint-meeting office (联席会议办公室) lists
the declarations, sets the targets, publishes the assessment method, assesses, settles
and designates the demonstration towns. The ledger per county and for the province.
The public: the towns by industry and status, the charts, the published results and
method, the demonstration towns, the ledger's totals, and the same as an Excel workbook.
Every write goes through the towns services; every figure comes from its selectors."""

from __future__ import annotations

from django.urls import URLPattern, path

from onevisit.web.towns.ledger import ledger, ledger_export
from onevisit.web.towns.public import public_export, public_town, public_towns
from onevisit.web.towns.reports import (
    evidence_file,
    report_action,
    report_fetch,
    report_new,
    report_page,
)
from onevisit.web.towns.workbench import (
    declare,
    designate,
    method_new,
    method_publish_view,
    review,
    targets,
    town_page,
    workbench,
)

urlpatterns: list[URLPattern] = [
    path("towns/", public_towns, name="towns"),
    path("towns/export.xlsx", public_export, name="towns_export"),
    path("towns/<str:code>/", public_town, name="towns_public"),
    path("workbench/towns/", workbench, name="towns_workbench"),
    path("workbench/towns/declare/", declare, name="towns_declare"),
    path("workbench/towns/ledger/", ledger, name="towns_ledger"),
    path("workbench/towns/ledger/export.xlsx", ledger_export, name="towns_ledger_export"),
    path("workbench/towns/methods/", method_new, name="towns_method_new"),
    path("workbench/towns/methods/<str:code>/publish/", method_publish_view,
         name="towns_method_publish"),
    path("workbench/towns/demonstrations/", designate, name="towns_designate"),
    path("workbench/towns/evidence/<int:evidence_id>/", evidence_file, name="towns_evidence"),
    path("workbench/towns/<str:code>/", town_page, name="towns_town"),
    path("workbench/towns/<str:code>/review/", review, name="towns_review"),
    path("workbench/towns/<str:code>/targets/", targets, name="towns_targets"),
    path("workbench/towns/<str:code>/reports/<int:year>/", report_page, name="towns_report"),
    path("workbench/towns/<str:code>/reports/<int:year>/fetch/", report_fetch,
         name="towns_report_fetch"),
    path("workbench/towns/<str:code>/reports/<int:year>/submit/", report_new,
         name="towns_report_submit"),
    path("workbench/towns/<str:code>/reports/<int:year>/<slug:action>/", report_action,
         name="towns_report_action"),
]
