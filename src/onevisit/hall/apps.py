from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "onevisit.hall"
    label = "hall"
