from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "onevisit.exchange"
    label = "exchange"
