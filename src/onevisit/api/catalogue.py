"""Public catalogue endpoints: items, life events, the four lists, CPSV-AP export."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from onevisit.api import presenters
from onevisit.api.schemas import (
    ErrorOut,
    ItemOut,
    ItemPageOut,
    LifeEventOut,
    LifeEventSummaryOut,
    ListEntryOut,
)
from onevisit.catalogue.constants import ListKind
from onevisit.catalogue.cpsv import catalogue_rdf
from onevisit.catalogue.selectors import (
    fields_merge,
    item_current,
    items_published,
    list_entries_published,
    materials_merge,
)
from onevisit.errors import InvalidInput, NotFound
from onevisit.lifeevents.selectors import life_event_by_code, life_event_plan, life_events_published

router = Router(tags=["catalogue"])
ListKindName = Literal["power", "responsibility", "negative", "fiscal_fund"]  # ListKind
PAGE_SIZE = 50


@router.get("/items", response=ItemPageOut)
def items_list(
    request: HttpRequest, q: str = "", department: str = "", cursor: str = "",
    limit: int = PAGE_SIZE,
) -> dict[str, Any]:
    """Published items, ordered by code, keyset-paginated (`cursor` = last code seen)."""
    limit = max(1, min(limit, 200))
    queryset = items_published().order_by("code")
    if q:
        queryset = queryset.filter(name__icontains=q)
    if department:
        queryset = queryset.filter(department__code=department)
    if cursor:
        queryset = queryset.filter(code__gt=cursor)
    page = list(queryset[: limit + 1])
    return {
        "items": [presenters.item_summary_out(item) for item in page[:limit]],
        "next_cursor": page[limit - 1].code if len(page) > limit else None,
    }


@router.get("/items/{code}", response={200: ItemOut, 404: ErrorOut})
def item_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    item = item_current(code=code)
    if item is None:
        raise NotFound(_("事项 %(code)s 不存在或未发布") % {"code": code})
    return presenters.item_out(item, fields_merge([item]), materials_merge([item]))


@router.get("/life-events", response=list[LifeEventSummaryOut])
def life_events_list(request: HttpRequest) -> list[Any]:
    return list(life_events_published())


@router.get("/life-events/{code}", response={200: LifeEventOut, 404: ErrorOut})
def life_event_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """A life event with its one merged form and one merged material list."""
    life_event = life_event_by_code(code=code)
    if life_event is None:
        raise NotFound(_("一件事 %(code)s 不存在或未发布") % {"code": code})
    return presenters.life_event_out(life_event_plan(life_event=life_event))


@router.get("/lists/{kind}", response={200: list[ListEntryOut], 422: ErrorOut})
def list_entries(request: HttpRequest, kind: ListKindName) -> list[dict[str, Any]]:
    """One of the four lists (权力清单 power, 责任清单 responsibility, 负面清单 negative,
    财政专项资金 fiscal_fund), as published."""
    if kind not in ListKind.values:
        raise InvalidInput(_("清单类型无效"), {"kind": ", ".join(ListKind.values)})
    return [presenters.list_entry_out(e) for e in list_entries_published(kind=kind)]


# A GB/T 2260 code: province (33), city (3301), county (330106) or township (330106005).
RegionCode = Annotated[str, Query(
    pattern=r"^(\d{2}|\d{4}|\d{6}|\d{9})?$",
    description="GB/T 2260 code of a region: only its items and those of the regions below "
                "it (empty: the whole catalogue)",
)]


@router.get("/catalogue/cpsv-ap.ttl", response={200: None, 404: ErrorOut})
def cpsv_turtle(request: HttpRequest, region: RegionCode = "") -> HttpResponse:
    """The published catalogue, or one region's part of it, as CPSV-AP 3.2.0 RDF
    (Turtle), with its IRIs under the site's public address."""
    return HttpResponse(catalogue_rdf(fmt="turtle", region_code=region),
                        content_type="text/turtle; charset=utf-8")


@router.get("/catalogue/cpsv-ap.jsonld", response={200: None, 404: ErrorOut})
def cpsv_jsonld(request: HttpRequest, region: RegionCode = "") -> HttpResponse:
    """The published catalogue, or one region's part of it, as CPSV-AP 3.2.0 RDF
    (JSON-LD), with its IRIs under the site's public address."""
    return HttpResponse(catalogue_rdf(fmt="json-ld", region_code=region),
                        content_type="application/ld+json")
