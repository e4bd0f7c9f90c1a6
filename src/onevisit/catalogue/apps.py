from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "onevisit.catalogue"
    label = "catalogue"
