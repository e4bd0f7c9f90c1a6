"""Public pages: the catalogue, guides, the four lists, certificate verification."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.catalogue.constants import ListKind
from onevisit.catalogue.selectors import (
    blank_form_of,
    charge_rules_shown,
    fields_merge,
    item_current,
    list_entries_published,
    materials_merge,
)
from onevisit.certificates.selectors import certificate_standing
from onevisit.certificates.verification import (
    MAX_PDF_BYTES,
    pdf_verify_upload,
    upload_too_big,
)
from onevisit.errors import InvalidInput
from onevisit.hall.selectors import hall_serving
from onevisit.lifeevents.selectors import (
    LifeEventIncomplete,
    life_event_by_code,
    life_event_plan,
    life_events_published,
)
from onevisit.search.selectors import departments_facet, topics_facet
from onevisit.web.outcomes import error_text, rate_limited
from onevisit.web.page_cache import public_page_cached
from onevisit.web.replica import replica_page

HOME_LIFE_EVENTS = 12  # the others, and every topic, are one click away
HOME_TOPICS = 24


@replica_page
@public_page_cached()
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


@replica_page
@public_page_cached(daily=True)
def item_guide(request: HttpRequest, code: str) -> HttpResponse:
    item = item_current(code=code)
    if item is None:
        raise Http404(_("事项不存在或未发布"))
    return render(request, "web/item_guide.html", {
        "item": item, "fields": fields_merge([item]), "materials": materials_merge([item]),
        "hall": hall_serving(region_code=item.region_id),
        "charge_rules": charge_rules_shown(item_code=item.code,
                                           on=timezone.localdate(clock.now())),
    })


def blank_form(request: HttpRequest, requirement_id: int) -> FileResponse:
    """A material's blank form (空白表格) as a PDF download."""
    requirement = blank_form_of(requirement_id=requirement_id)
    if requirement is None:
        raise Http404(_("该材料没有空白表格"))
    return FileResponse(requirement.blank_form.open("rb"), as_attachment=True,
                         filename=f"{requirement.name}.pdf", content_type="application/pdf")


@replica_page
@public_page_cached()
def life_event_guide(request: HttpRequest, code: str) -> HttpResponse:
    life_event = life_event_by_code(code=code)
    if life_event is None:
        raise Http404(_("一件事不存在或未发布"))
    try:
        plan = life_event_plan(life_event=life_event)
    except LifeEventIncomplete as exc:
        # One of its items was retired: the bundle cannot be applied for until it is fixed.
        raise Http404(str(exc)) from exc
    names = {stage.key: stage.name for stage in plan.stages}
    labels = {merged.key: merged.label for merged in plan.fields}
    return render(request, "web/life_event_guide.html", {
        "plan": plan, "hall": hall_serving(region_code=life_event.region_id),
        "stages": [(stage, [names.get(key, key) for key in stage.depends_on],
                    # When the stage is skipped (免于办理), as the form asks it.
                    "；".join(f"{labels.get(key.partition('__')[0], key)}：{value}"
                             for key, value in stage.skip_when.items()))
                   for stage in plan.stages],
        "skippable": any(stage.skip_when for stage in plan.stages),
    })


def lists(request: HttpRequest) -> HttpResponse:
    groups = [(kind.label, list_entries_published(kind=kind)) for kind in ListKind]
    return render(request, "web/lists.html", {"groups": groups})


def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Anyone checks a certificate: by its code or QR link (valid / revoked / unknown, who
    issued it, when, and its seal's state), or by uploading the PDF (is the seal intact,
    ours, and not revoked)."""
    code = (code or request.GET.get("code", "")).strip()[:16]
    context: dict[str, Any] = {
        "code": code, "standing": certificate_standing(code=code) if code else None,
        "max_mb": MAX_PDF_BYTES // (1024 * 1024),
    }
    if request.method == "POST":
        if (refused := rate_limited(request, "verify")) is not None:
            return refused
        try:
            context["checked"] = pdf_verify_upload(content=_upload(request, "pdf"))
        except InvalidInput as exc:
            context["upload_error"] = error_text(exc)
    return render(request, "web/verify.html", context)


def _upload(request: HttpRequest, name: str) -> bytes:
    """At most one byte over the cap is read: enough to refuse a file that is too big."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_PDF_BYTES + 64 * 1024:
        raise upload_too_big(name)  # refused before the body is read
    file = request.FILES.get(name)
    return file.read(MAX_PDF_BYTES + 1) if file is not None else b""
