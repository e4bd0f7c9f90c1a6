from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "onevisit.payments"
    label = "payments"

    def ready(self) -> None:
        from onevisit.applications.receivers import closed_receiver_register
        from onevisit.payments.providers import provider_register
        from onevisit.payments.reference.gateway import ReferenceGateway
        from onevisit.payments.services import refunds_on_close

        provider_register(ReferenceGateway())
        closed_receiver_register(refunds_on_close)
