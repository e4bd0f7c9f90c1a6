from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "onevisit.accounts"
    label = "accounts"
