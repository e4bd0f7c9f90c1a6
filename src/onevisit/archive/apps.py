from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "onevisit.archive"
    label = "archive"

    def ready(self) -> None:
        from onevisit.applications.receivers import closed_receiver_register
        from onevisit.archive.services import package_create_later

        closed_receiver_register(package_create_later)
