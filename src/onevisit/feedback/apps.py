from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "onevisit.feedback"
    label = "feedback"
