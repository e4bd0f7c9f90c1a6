"""Pages of 公共管理创新案例评选 (docs/awards.md)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
