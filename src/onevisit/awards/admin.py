"""The award's records in the admin site, read only: every change goes through the
services (and so the audit log) from the organisers' pages (docs/awards.md)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from onevisit.awards.models import (
    Award,
    AwardCall,
    AwardCase,
    DeclaredConflict,
    Expert,
    Notice,
    PanelVote,
    ReviewDraw,
    SiteVisit,
)


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AwardCall)
class AwardCallAdmin(_ReadOnly):
    list_display = ("edition", "year", "title", "status", "notice_date")
    list_filter = ("status",)


@admin.register(AwardCase)
class AwardCaseAdmin(_ReadOnly):
    list_display = ("number", "title", "unit_name", "region", "preliminary_score",
                    "preliminary_rank", "shortlisted")
    list_filter = ("call", "shortlisted")
    search_fields = ("number", "title", "unit_name")


@admin.register(Expert)
class ExpertAdmin(_ReadOnly):
    list_display = ("name", "affiliation", "region", "local_official", "field", "active")
    list_filter = ("active", "local_official")
    search_fields = ("name", "affiliation")


@admin.register(DeclaredConflict)
class DeclaredConflictAdmin(_ReadOnly):
    list_display = ("expert", "case", "department", "unit_name", "reason", "recorded_at")


@admin.register(ReviewDraw)
class ReviewDrawAdmin(_ReadOnly):
    list_display = ("call", "commitment", "committed_at", "drawn_at")
    exclude = ("seed",)  # secret until revealed; the public draw page shows it then


@admin.register(SiteVisit)
class SiteVisitAdmin(_ReadOnly):
    list_display = ("case", "visited_on", "recommendation")


@admin.register(PanelVote)
class PanelVoteAdmin(_ReadOnly):
    list_display = ("call", "case", "unit_name", "tier", "votes_for", "votes_against",
                    "votes_abstain")


@admin.register(Award)
class AwardAdmin(_ReadOnly):
    list_display = ("call", "tier", "position", "unit_name", "case")
    list_filter = ("call", "tier")


@admin.register(Notice)
class NoticeAdmin(_ReadOnly):
    list_display = ("number", "call", "issued_at", "department", "verification_code")
