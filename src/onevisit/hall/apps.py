from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "onevisit.hall"
    label = "hall"

    def ready(self) -> None:
        from onevisit.catalogue.cpsv import cpsv_place_register
        from onevisit.hall.cpsv import hall_place

        cpsv_place_register(hall_place)
