from typing import cast

from django.apps import AppConfig
from django.conf import settings


class ExchangeConfig(AppConfig):
    name = "onevisit.exchange"
    label = "exchange"

    def ready(self) -> None:
        from onevisit.exchange.connector import HttpRegistry
        from onevisit.exchange.sources import REFERENCE_REGISTRIES, source_register

        # A source configured over HTTP replaces the reference registry of its code.
        configured = cast(dict[str, str], settings.ONEVISIT["EVIDENCE_SOURCES"])
        for code, url in configured.items():
            source_register(HttpRegistry(code, REFERENCE_REGISTRIES.get(code, code), url,
                                         token=str(settings.ONEVISIT["EVIDENCE_TOKEN"])))
