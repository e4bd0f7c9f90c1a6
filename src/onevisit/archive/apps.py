from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "onevisit.archive"
    label = "archive"
