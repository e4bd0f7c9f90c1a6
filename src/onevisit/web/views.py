"""Public pages: the catalogue, guides, the four lists, certificate verification."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from onevisit.catalogue.constants import ListKind
from onevisit.catalogue.selectors import (
    fields_merge,
    item_current,
    list_entries_published,
    materials_merge,
)
from onevisit.certificates.selectors import certificate_by_code
from onevisit.lifeevents.selectors import (
    LifeEventIncomplete,
    life_event_by_code,
    life_event_plan,
    life_events_published,
)
from onevisit.search.selectors import departments_facet, topics_facet

HOME_LIFE_EVENTS = 12  # the others, and every topic, are one click away
HOME_TOPICS = 24


def home(request: HttpRequest) -> HttpResponse:
    """A search box, then ways to browse: life events, topics, departments — never every
    item (a county has about a thousand)."""
    life_events = life_events_published()
    topics = topics_facet()
    return render(request, "web/home.html", {
        "life_events": life_events[:HOME_LIFE_EVENTS],
        "life_event_count": life_events.count(),
        "topics": topics[:HOME_TOPICS],
        "topic_count": len(topics),
        "departments": departments_facet(),
    })


def item_guide(request: HttpRequest, code: str) -> HttpResponse:
    item = item_current(code=code)
    if item is None:
        raise Http404(_("事项不存在或未发布"))
    return render(request, "web/item_guide.html", {
        "item": item, "fields": fields_merge([item]), "materials": materials_merge([item]),
    })


def life_event_guide(request: HttpRequest, code: str) -> HttpResponse:
    life_event = life_event_by_code(code=code)
    if life_event is None:
        raise Http404(_("一件事不存在或未发布"))
    try:
        plan = life_event_plan(life_event=life_event)
    except LifeEventIncomplete as exc:
        # One of its items was retired: the bundle cannot be applied for until it is fixed.
        raise Http404(str(exc)) from exc
    return render(request, "web/life_event_guide.html", {"plan": plan})


def lists(request: HttpRequest) -> HttpResponse:
    groups = [(kind.label, list_entries_published(kind=kind)) for kind in ListKind]
    return render(request, "web/lists.html", {"groups": groups})


def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    code = code or request.GET.get("code", "")
    certificate = certificate_by_code(code=code) if code else None
    return render(request, "web/verify.html", {"code": code, "certificate": certificate})
