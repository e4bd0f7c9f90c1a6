from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "onevisit.workdays"
    label = "workdays"
