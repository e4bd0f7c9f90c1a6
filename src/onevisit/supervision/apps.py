from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "onevisit.supervision"
    label = "supervision"

    def ready(self) -> None:
        from onevisit.applications.receivers import anomaly_receiver_register
        from onevisit.supervision.rules import anomaly_receive

        anomaly_receiver_register(anomaly_receive)
