"""Printable catalogue documents: a blank form (空白表格) drawn from an item's own fields."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils import translation

from onevisit.catalogue.models import ServiceItem
from onevisit.pdf import render_pdf

# Forms kept once rendered, by what they print: an item's new version, another instance
# of the same catalogue in this process, prints the same form (a render costs ~0.2 s).
RENDERED_FORMS = 64


def blank_form_pdf(*, item: ServiceItem, title: str) -> bytes:
    """A blank form titled `title` with a line for each of the item's fields and the
    applicant's signature, as a PDF to print and fill in by hand."""
    # In the site's language, as the document itself is (`render_pdf`).
    with translation.override(settings.LANGUAGE_CODE):
        labels = tuple(str(item_field.field.label)
                       for item_field in item.fields.select_related("field"))
        return _blank_form(title=title, name=item.name, department=item.department.name,
                           code=item.code, labels=labels)


@lru_cache(maxsize=RENDERED_FORMS)
def _blank_form(*, title: str, name: str, department: str, code: str,
                labels: tuple[str, ...]) -> bytes:
    return render_pdf("catalogue/blank_form.html", {
        "title": title, "item": {"name": name, "code": code, "department": {"name": department}},
        "fields": [{"label": label} for label in labels],
    })
