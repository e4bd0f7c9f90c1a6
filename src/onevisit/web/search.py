"""Finding a service (一网通办): full-text search over the guides, and browsing them by life
event, topic and department. The pages only shape what `search.selectors` returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from onevisit.hotline.constants import TicketType
from onevisit.search.constants import ITEM, LIFE_EVENT
from onevisit.search.selectors import (
    GUIDE_KINDS,
    SearchHit,
    departments_facet,
    search_browse,
    search_run,
    topics_facet,
)
from onevisit.search.text import Segment, display_text
from onevisit.web.page_cache import public_page_cached
from onevisit.web.replica import replica_page

KIND_LABELS = {
    LIFE_EVENT: pgettext_lazy("search result kind", "一件事"),
    ITEM: pgettext_lazy("search result kind", "事项"),
}
KIND_URLS = {LIFE_EVENT: "web:life_event", ITEM: "web:item"}


@dataclass(frozen=True)
class ResultRow:
    kind: str
    kind_label: str
    title: str
    title_html: SafeString  # the query's words in <mark>
    url: str
    departments: list[str]
    topic: str
    promised_visits: int | None
    snippet_html: SafeString


def _marked(segments: list[Segment]) -> SafeString:
    """Segments as escaped HTML, the matches in <mark> (built here, not by a template loop:
    a results page has hundreds of segments)."""
    return format_html_join(
        "", "{}", ((format_html("<mark>{}</mark>", text) if match else text,)
                   for text, match in segments),
    )


def _row(hit: SearchHit) -> ResultRow:
    document = hit.document
    try:
        url = reverse(KIND_URLS[document.kind], args=[document.key])
    except (KeyError, NoReverseMatch):
        url = ""
    visits = document.extra.get("promised_visits")
    return ResultRow(
        kind=document.kind, kind_label=str(KIND_LABELS.get(document.kind, document.kind)),
        title=document.title, title_html=_marked(hit.title), url=url,
        departments=hit.department_names, topic=document.topic,
        promised_visits=visits if isinstance(visits, int) else None,
        snippet_html=_marked(hit.snippet),
    )


def _page_urls(page: Page[Any], **params: str) -> dict[str, str]:
    def url(number: int) -> str:
        query: dict[str, str | int] = {key: value for key, value in params.items() if value}
        return "?" + urlencode({**query, "page": number})

    return {
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
    }


def _search_url(text: str, kind: str = "") -> str:
    query = {"q": text, **({"kind": kind} if kind else {})}
    return reverse("web:search") + "?" + urlencode(query)


def _hotline_url(shown: str) -> str:
    """The portal's 12345 form, a consultation about what was searched."""
    text = _("我想办理“%(q)s”，在网上没有找到相关的事项，请问应该怎么办？") % {"q": shown}
    return reverse("web:appeal_new") + "?" + urlencode(
        {"type": TicketType.CONSULTATION, "text": text})


@replica_page
@public_page_cached()
def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    if kind not in GUIDE_KINDS:
        kind = ""
    results = search_run(text=text, kinds=(kind,) if kind else GUIDE_KINDS,
                         page=request.GET.get("page"))
    shown = display_text(text)
    return render(request, "web/search/results.html", {
        "q": shown, "typed": bool(text.strip()), "kind": kind, "results": results,
        "rows": [_row(hit) for hit in results.page],
        "kinds": [(value, KIND_LABELS[value]) for value in GUIDE_KINDS],
        "corrected_url": _search_url(results.corrected, kind) if results.corrected else "",
        "suggestions": [(word, _search_url(word, kind)) for word in results.suggestions],
        "hotline_url": _hotline_url(shown),
        **_page_urls(results.page, q=shown, kind=kind),
    })


def _browse(
    request: HttpRequest, *, title: str, page: Page[SearchHit], intro: str = ""
) -> HttpResponse:
    return render(request, "web/search/browse.html", {
        "title": title, "intro": intro, "page": page, "rows": [_row(hit) for hit in page],
        **_page_urls(page),
    })


@replica_page
def life_events(request: HttpRequest) -> HttpResponse:
    page = search_browse(kind=LIFE_EVENT, page=request.GET.get("page"))
    return _browse(request, title=_("全部一件事"), page=page,
                   intro=_("一件事：一次告知、一表申请、一窗受理，多个部门并联办理。"))


@replica_page
def topics(request: HttpRequest) -> HttpResponse:
    return render(request, "web/search/facets.html", {
        "title": _("全部主题"), "facets": topics_facet(), "url_name": "web:topic",
    })


@replica_page
def departments(request: HttpRequest) -> HttpResponse:
    return render(request, "web/search/facets.html", {
        "title": _("全部部门"), "facets": departments_facet(), "url_name": "web:department",
    })


@replica_page
def topic(request: HttpRequest, topic: str) -> HttpResponse:
    page = search_browse(topic=topic, page=request.GET.get("page"))
    if page.paginator.count == 0:
        raise Http404(_("没有这个主题的服务"))
    return _browse(request, title=_("主题：%(topic)s") % {"topic": topic}, page=page)


@replica_page
def department(request: HttpRequest, code: str) -> HttpResponse:
    facets = departments_facet(code=code)
    if not facets:
        raise Http404(_("该部门没有已发布的事项"))
    page = search_browse(department_code=code, page=request.GET.get("page"))
    return _browse(request, title=facets[0].label, page=page)
