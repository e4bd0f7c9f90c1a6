from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "onevisit.supervision"
    label = "supervision"

    def ready(self) -> None:
        from onevisit.applications.receivers import anomaly_receiver_register
        from onevisit.supervision.services import alert_from_anomaly

        anomaly_receiver_register(alert_from_anomaly)
