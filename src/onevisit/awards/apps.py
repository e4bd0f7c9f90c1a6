from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "onevisit.awards"
    verbose_name = "公共管理创新案例评选"
    default_auto_field = "django.db.models.BigAutoField"
