from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "onevisit.inspection"
    verbose_name = "双随机一公开"
    default_auto_field = "django.db.models.BigAutoField"
