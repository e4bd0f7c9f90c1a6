from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "onevisit.search"
    label = "search"

    def ready(self) -> None:
        from onevisit.catalogue.services import publish_listener_register
        from onevisit.lifeevents.services import life_event_listener_register
        from onevisit.search.services import search_item_published, search_life_event_defined

        publish_listener_register(search_item_published)
        life_event_listener_register(search_life_event_defined)
