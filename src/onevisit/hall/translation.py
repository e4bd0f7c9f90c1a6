"""Hall-category names in the visitor's language (Chinese as the fallback)."""

from modeltranslation.translator import TranslationOptions, register

from onevisit.hall.models import ServiceCategory


@register(ServiceCategory)
class ServiceCategoryTranslation(TranslationOptions):
    fields = ("name",)
