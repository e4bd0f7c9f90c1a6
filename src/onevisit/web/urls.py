from django.urls import path

from onevisit.web import dashboard, documents, portal, views, workbench

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("items/<str:code>/", views.item_guide, name="item"),
    path("life-events/<slug:code>/", views.life_event_guide, name="life_event"),
    path("lists/", views.lists, name="lists"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>", views.verify, name="verify_code"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", dashboard.dashboard_export, name="dashboard_export"),
    path("workbench/", workbench.queue, name="workbench"),
    path("workbench/cases/<int:case_id>/", workbench.case_detail, name="workbench_case"),
    path("workbench/cases/<int:case_id>/<slug:action>/", workbench.case_action,
         name="workbench_action"),
    path("apply/<str:kind>/<str:code>/", portal.apply, name="apply"),
    path("me/", portal.my_applications, name="my_applications"),
    path("me/drafts/<int:draft_id>/discard/", portal.draft_discard, name="draft_discard"),
    path("me/access-log/", portal.my_access_log, name="my_access_log"),
    path("me/applications/<str:number>/", portal.my_application, name="my_application"),
    path("me/applications/<str:number>/supplement/", portal.my_supplement,
         name="my_supplement"),
    path("me/applications/<str:number>/delivery/", portal.my_delivery, name="my_delivery"),
    path("me/applications/<str:number>/rating/", portal.my_rating, name="my_rating"),
    path("documents/<str:number>/receipt.pdf", documents.receipt, name="receipt_pdf"),
    path("documents/<str:number>/notices/<str:notice_number>.pdf", documents.notice,
         name="notice_pdf"),
    path("documents/<str:number>/certificates/<str:certificate_number>.pdf",
         documents.certificate, name="certificate_pdf"),
]
