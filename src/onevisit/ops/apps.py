from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operator commands: demo, simulate, bench, env."""

    name = "onevisit.ops"
    label = "ops"
