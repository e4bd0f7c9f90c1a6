"""How a ticket page shows what the hotline kept with a ticket."""

from __future__ import annotations

from typing import Any

from django import template

from onevisit.hotline.duplicates import reasons_shown as shown

register = template.Library()


@register.filter
def reasons_shown(kept: Any) -> list[str]:
    """A match's reasons (`possible_duplicates`' entries, `match_reason`) in the page's
    language."""
    return shown(kept) if isinstance(kept, dict) else []
