"""Department names in the visitor's language (Chinese as the fallback)."""

from modeltranslation.translator import TranslationOptions, register

from onevisit.accounts.models import Department


@register(Department)
class DepartmentTranslation(TranslationOptions):
    fields = ("name",)
