from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "onevisit.supervision"
    label = "supervision"
