"""The catalogue's own content in the visitor's language (django-modeltranslation): each
field below has a column per language; the Chinese is the fallback."""

from django.conf import settings
from modeltranslation.translator import TranslationOptions, register
from modeltranslation.utils import build_localized_fieldname

from onevisit.catalogue.models import (
    BasicItem,
    BasicMaterial,
    EvidenceType,
    FieldDef,
    MaterialRequirement,
    ServiceItem,
)


@register(ServiceItem)
class ServiceItemTranslation(TranslationOptions):
    fields = ("name", "description", "conditions", "result_name", "fee_note",
              "service_location", "service_hours")


@register(BasicItem)
class BasicItemTranslation(TranslationOptions):
    fields = ("name",)


@register(BasicMaterial)
class BasicMaterialTranslation(TranslationOptions):
    fields = ("name",)


@register(FieldDef)
class FieldDefTranslation(TranslationOptions):
    fields = ("label", "help_text")


@register(MaterialRequirement)
class MaterialRequirementTranslation(TranslationOptions):
    fields = ("name", "note")


@register(EvidenceType)
class EvidenceTypeTranslation(TranslationOptions):
    fields = ("name",)


def translated_columns(field: str) -> tuple[str, ...]:
    """A translated field's columns, one per language: what a query that loads only some
    fields (`.only()` across a relation) must name so that reading the field in any
    language costs no extra query."""
    return tuple(build_localized_fieldname(field, code) for code, _name in settings.LANGUAGES)
