from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "onevisit.files"
    label = "files"
    verbose_name = "stored files"
