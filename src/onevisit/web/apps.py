from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "onevisit.web"
    label = "web"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from onevisit.accounts.models import Department
        from onevisit.catalogue.models import ChargeRule
        from onevisit.hall.models import Hall
        from onevisit.web.page_cache import revision_bump_on_change
        from onevisit.web.signin import sign_in_expiry_set

        user_logged_in.connect(sign_in_expiry_set, dispatch_uid="onevisit.sign_in_expiry")
        # Shown on the cached public pages beside the catalogue (web.page_cache).
        revision_bump_on_change(Department, ChargeRule, Hall)
