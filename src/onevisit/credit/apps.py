from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "onevisit.credit"
    verbose_name = "信用"
    default_auto_field = "django.db.models.BigAutoField"
