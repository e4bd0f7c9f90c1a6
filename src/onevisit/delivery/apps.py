from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "onevisit.delivery"
    label = "delivery"
