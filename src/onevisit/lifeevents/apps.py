from django.apps import AppConfig


class LifeeventsConfig(AppConfig):
    name = "onevisit.lifeevents"
    label = "lifeevents"

    def ready(self) -> None:
        from onevisit.catalogue.cpsv import cpsv_part_register
        from onevisit.catalogue.services import publish_guard_register
        from onevisit.lifeevents.cpsv import life_events_graph
        from onevisit.lifeevents.services import bundle_guard

        publish_guard_register(bundle_guard)
        cpsv_part_register(life_events_graph)
