from django.urls import path

from onevisit.web import dashboard, views, workbench

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
]
