"""The public pages: the published results by tier, the notice and its verification."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from onevisit.awards import selectors, services
from onevisit.awards.constants import (
    CallStatus,
    Criterion,
    Tier,
)
from onevisit.awards.models import AwardCall
from onevisit.awards.notice import notice_context
from onevisit.inspection.draw import canonical

# ------------------------------------------------------------------ public pages


def public_calls(request: HttpRequest) -> HttpResponse:
    return render(request, "web/awards/public_calls.html",
                  {"calls": list(selectors.calls_public()[:100])})


def _public_call(call_id: int) -> AwardCall:
    call = selectors.calls_public().filter(pk=call_id).first()
    if call is None:
        raise Http404(_("评选活动不存在"))
    return call


def public_call(request: HttpRequest, call_id: int) -> HttpResponse:
    """A call as the public sees it: its criteria and weights, the rounds, the draw's
    commitment (and, once the preliminary review closed, its seed and verification),
    and once published the result by tier with the notice. No expert's score is shown."""
    call = _public_call(call_id)
    published = call.status == CallStatus.PUBLISHED
    draw = selectors.draw_public(call=call)
    return render(request, "web/awards/public_call.html", {
        "call": call, "organisers": selectors.call_organisers(call=call),
        "weights": [(c.label, call.weights.get(c.value, 0)) for c in Criterion],
        "quotas": [(t.label, call.quotas.get(t.value, 0)) for t in Tier],
        "guidance": [g.strip() for g in call.guidance_units.splitlines() if g.strip()],
        "case_count": call.cases.count(), "draw": draw,
        "verified": selectors.draw_verify(call=call) if draw and draw.seed else None,
        "notice": notice_context(call) if published else None,
        "verification_code": call.notice.verification_code if published else "",
    })


def public_parameters(request: HttpRequest, call_id: int) -> HttpResponse:
    """The draw's parameters exactly as hashed, once the seed is revealed: `sha256sum` of
    this file is the published hash, and with the seed anyone can redraw."""
    draw = selectors.draw_public(call=_public_call(call_id))
    if draw is None or draw.parameters is None:
        raise Http404(_("抽取参数在专家初评结束时公开"))
    response = HttpResponse(canonical(draw.parameters),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="award-{call_id}-parameters.json"'
    return response


def notice_download(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _public_call(call_id)
    if call.status != CallStatus.PUBLISHED:
        raise Http404(_("评选结果尚未公布"))
    notice = call.notice
    response = HttpResponse(services.notice_pdf(notice=notice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="notice-{call.edition}.pdf"'
    return response


def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """The notice's online check: the code printed on it finds the notice on record."""
    code = code or request.GET.get("code", "")
    notice = selectors.notice_by_code(code=code) if code else None
    return render(request, "web/awards/verify.html", {
        "code": code, "notice": notice,
    }, status=404 if code and notice is None else 200)
