from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "onevisit.workflow"
    label = "workflow"
