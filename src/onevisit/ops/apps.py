from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operator commands (demo, simulate, bench, env) and the scheduler of the periodic
    jobs with its records (`JobRun`, `SchedulerLease`)."""

    name = "onevisit.ops"
    label = "ops"
