"""The catalogue's own content in the visitor's language (django-modeltranslation): each
field below has a column per language; the Chinese is the fallback."""

from modeltranslation.translator import TranslationOptions, register

from onevisit.catalogue.models import EvidenceType, FieldDef, MaterialRequirement, ServiceItem


@register(ServiceItem)
class ServiceItemTranslation(TranslationOptions):
    fields = ("name", "description", "conditions", "result_name", "fee_note",
              "service_location", "service_hours")


@register(FieldDef)
class FieldDefTranslation(TranslationOptions):
    fields = ("label", "help_text")


@register(MaterialRequirement)
class MaterialRequirementTranslation(TranslationOptions):
    fields = ("name", "note")


@register(EvidenceType)
class EvidenceTypeTranslation(TranslationOptions):
    fields = ("name",)
