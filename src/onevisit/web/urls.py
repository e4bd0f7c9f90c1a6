from django.urls import path

from onevisit.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("items/<str:code>/", views.item_guide, name="item"),
    path("life-events/<slug:code>/", views.life_event_guide, name="life_event"),
    path("lists/", views.lists, name="lists"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>", views.verify, name="verify_code"),
]
