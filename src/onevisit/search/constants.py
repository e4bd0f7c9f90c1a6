"""Kinds of search documents. The kind is an open string: an app that indexes documents of
its own (the hotline knowledge base) names its kind and registers a source for it."""

from __future__ import annotations

ITEM = "item"  # a service item's guide (published version), key = item code
LIFE_EVENT = "life_event"  # a life event's guide, key = life event code
