from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "onevisit.hotline"
    label = "hotline"
    verbose_name = "12345"
