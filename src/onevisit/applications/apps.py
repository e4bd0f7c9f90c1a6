from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "onevisit.applications"
    label = "applications"
