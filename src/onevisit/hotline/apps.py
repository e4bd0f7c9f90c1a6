from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "onevisit.hotline"
    label = "hotline"
    verbose_name = "12345"

    def ready(self) -> None:
        from onevisit.hotline.knowledge import ENTRY_KINDS, knowledge_source
        from onevisit.search.services import search_source_register

        # The knowledge base's own entries, rebuilt by `onevisit search reindex`.
        for kind in ENTRY_KINDS:
            search_source_register(kind=kind, source=knowledge_source(kind))
