"""Life-event and stage names in the visitor's language (Chinese as the fallback)."""

from modeltranslation.translator import TranslationOptions, register

from onevisit.lifeevents.models import LifeEvent, LifeEventStage


@register(LifeEvent)
class LifeEventTranslation(TranslationOptions):
    fields = ("name", "description")


@register(LifeEventStage)
class LifeEventStageTranslation(TranslationOptions):
    fields = ("name",)
