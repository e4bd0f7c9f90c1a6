from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "onevisit.audit"
    label = "audit"
