"""Printable catalogue documents: a blank form (空白表格) drawn from an item's own fields."""

from __future__ import annotations

from onevisit.catalogue.models import ServiceItem
from onevisit.pdf import render_pdf


def blank_form_pdf(*, item: ServiceItem, title: str) -> bytes:
    """A blank form titled `title` with a line for each of the item's fields and the
    applicant's signature, as a PDF to print and fill in by hand."""
    fields = [item_field.field for item_field in item.fields.select_related("field")]
    return render_pdf("catalogue/blank_form.html",
                      {"item": item, "title": title, "fields": fields})
