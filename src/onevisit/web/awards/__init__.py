"""Pages of 公共管理创新案例评选 (docs/awards.md). The organisers' staff (案例评选工作人员):
their calls, a new call, and a call's page through its rounds — settings, cases, the
expert pool and its conflicts, the committed draw and its verification, the score sheets'
progress and statistics, the site visits, the panel's votes, the result by tier and the
sealed notice. Submitting units (any staff account of a department): submit a case and
see their own. Experts (评审专家): their drawn cases, blind, and a score sheet each. The
public: the published results by tier, the notice and its verification. Every write goes
through the awards services; no individual expert's score is ever shown in public."""

from __future__ import annotations

from django.urls import path

from onevisit.web.awards.organisers import (
    call_action,
    call_new,
    call_page,
    call_settings,
    calls,
    expert_active,
    expert_new,
    experts,
)
from onevisit.web.awards.public import (
    notice_download,
    public_call,
    public_calls,
    public_parameters,
    verify,
)
from onevisit.web.awards.reviews import conflict, reviews, sheet
from onevisit.web.awards.units import attachment, submit, submit_case, unit_case

urlpatterns = [
    path("awards/", public_calls, name="awards"),
    path("awards/verify/", verify, name="awards_verify"),
    path("awards/verify/<str:code>/", verify, name="awards_verify_code"),
    path("awards/<int:call_id>/", public_call, name="awards_public"),
    path("awards/<int:call_id>/notice.pdf", notice_download, name="awards_notice"),
    path("awards/<int:call_id>/parameters.json", public_parameters,
         name="awards_parameters"),
    path("workbench/awards/", calls, name="awards_calls"),
    path("workbench/awards/new/", call_new, name="awards_call_new"),
    path("workbench/awards/experts/", experts, name="awards_experts"),
    path("workbench/awards/experts/new/", expert_new, name="awards_expert_new"),
    path("workbench/awards/experts/<int:expert_id>/active/", expert_active,
         name="awards_expert_active"),
    path("workbench/awards/submit/", submit, name="awards_submit"),
    path("workbench/awards/submit/case/", submit_case, name="awards_submit_case"),
    path("workbench/awards/submit/<int:case_id>/", unit_case, name="awards_unit_case"),
    path("workbench/awards/attachments/<int:attachment_id>/", attachment,
         name="awards_attachment"),
    path("workbench/awards/reviews/", reviews, name="awards_reviews"),
    path("workbench/awards/reviews/<int:case_id>/", sheet, name="awards_sheet"),
    path("workbench/awards/reviews/conflict/", conflict, name="awards_expert_conflict"),
    path("workbench/awards/<int:call_id>/", call_page, name="awards_call"),
    path("workbench/awards/<int:call_id>/settings/", call_settings, name="awards_settings"),
    path("workbench/awards/<int:call_id>/<slug:action>/", call_action,
         name="awards_action"),
]
