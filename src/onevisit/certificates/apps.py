from typing import cast

from django.apps import AppConfig
from django.conf import settings


class CertificatesConfig(AppConfig):
    name = "onevisit.certificates"
    label = "certificates"

    def ready(self) -> None:
        from onevisit.certificates.sources import CertificateLibrary
        from onevisit.exchange.sources import source_register

        # Issued certificates are evidence for later applications (once-only), unless
        # the library is configured as a remote source (ONEVISIT_EVIDENCE_SOURCES).
        if CertificateLibrary.code not in cast(dict[str, str],
                                               settings.ONEVISIT["EVIDENCE_SOURCES"]):
            source_register(CertificateLibrary())
        # Fail at start-up, with the fix in the message, if PDFs could not set Chinese text
        # or if the seal keys could be read by anyone but this service's user.
        from onevisit.certificates.seals import key_dir_check
        from onevisit.pdf import cjk_font

        cjk_font()
        key_dir_check()
