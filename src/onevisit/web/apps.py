from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "onevisit.web"
    label = "web"
