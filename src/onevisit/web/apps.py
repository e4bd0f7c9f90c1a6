from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "onevisit.web"
    label = "web"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from onevisit.web.signin import sign_in_expiry_set

        user_logged_in.connect(sign_in_expiry_set, dispatch_uid="onevisit.sign_in_expiry")
