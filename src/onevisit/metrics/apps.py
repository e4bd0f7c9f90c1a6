from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "onevisit.metrics"
    label = "metrics"
