from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "onevisit.certificates"
    label = "certificates"

    def ready(self) -> None:
        # Fail at start-up, with the fix in the message, if PDFs could not set Chinese text.
        from onevisit.pdf import cjk_font

        cjk_font()
