"""Pages of 特色小镇 (docs/towns.md)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
