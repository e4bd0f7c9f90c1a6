from django.urls import path

from onevisit.payments.reference import views

app_name = "paygate"
urlpatterns = [
    path("cashier/<str:trade_no>/", views.cashier, name="cashier"),
]
