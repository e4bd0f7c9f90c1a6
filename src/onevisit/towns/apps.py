from django.apps import AppConfig


class TownsConfig(AppConfig):
    name = "onevisit.towns"
    verbose_name = "特色小镇"
    default_auto_field = "django.db.models.BigAutoField"
