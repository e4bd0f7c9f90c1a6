"""The notice (通报) of a call's result as a sealed PDF.

Its text comes from the call and the stored result: the title "关于<call>评选结果的通报",
a preamble naming the guidance units, the organisers, the criteria, the count of cases
and the three rounds, the lists by tier ("一、<call>特别贡献奖（7个）" with "unit：title"
lines), the organising units, the organisers and the notice's date. It is sealed like a
receipt (`certificates.sealing.pdf_seal`: a PAdES signature by a document certificate
the local CA issues for this one notice, naming its verification code) under the seal of
the call's first organiser, made on first use and stored in the default storage with its
digest. Anyone can check it offline against /pki/ca.pem, or online by its code at
VERIFY_PATH (docs/awards.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from onevisit.audit.services import atomic_audited, audit_record
from onevisit.awards.constants import Criterion, Tier
from onevisit.awards.models import AwardCall, Notice
from onevisit.awards.selectors import awards_by_tier, call_organisers
from onevisit.certificates.rendering import qr_png
from onevisit.certificates.sealing import pdf_seal
from onevisit.certificates.seals import seal_for_department
from onevisit.files.documents import document_read, document_write
from onevisit.pdf import render_pdf

TEMPLATE = "awards/notice.html"
STYLESHEET = "certificates/certificate.css"
# The public page that checks a notice by its code (served by the web layer).
VERIFY_PATH = "/awards/verify/{code}/"
NUMERALS = "一二三四五六七八九十"


def notice_verify_url(notice: Notice) -> str:
    return str(settings.ONEVISIT["PUBLIC_URL"]) + VERIFY_PATH.format(code=notice.verification_code)


def notice_heading(call: AwardCall) -> str:
    return _("关于%(title)s评选结果的通报") % {"title": call.title}


def _joined(values: list[str]) -> str:
    return "、".join(v for v in values if v)


def notice_context(call: AwardCall) -> dict[str, Any]:
    """The notice's text as the template sets it (also what the public page may show)."""
    organisers = [d.name for d in call_organisers(call=call)]
    tiers = []
    for tier, label, awards in awards_by_tier(call=call):
        if not awards:
            continue
        name = (_("%(title)s评选活动%(tier)s") if tier == Tier.ORGANISING
                else _("%(title)s%(tier)s")) % {"title": call.title, "tier": label}
        tiers.append({"tier": tier, "name": name, "count": len(awards),
                      "organising": tier == Tier.ORGANISING, "awards": awards,
                      "units": _joined([a.unit_name for a in awards])})
    for i, entry in enumerate(tiers):
        entry["numeral"] = NUMERALS[i] if i < len(NUMERALS) else str(i + 1)
    counted = [_("“%(name)s”%(count)d个") % {"name": t["name"], "count": t["count"]}
               for t in tiers]
    if len(counted) > 1:
        listing = _("%(most)s，以及%(last)s") % {"most": "、".join(counted[:-1]),
                                                 "last": counted[-1]}
    else:
        listing = "".join(counted)
    return {
        "call": call, "heading": notice_heading(call), "organisers": organisers,
        "organisers_text": _joined(organisers),
        "guidance_text": _joined([g.strip() for g in call.guidance_units.splitlines()]),
        "criteria_text": _joined([str(c.label) for c in Criterion]),
        "case_count": call.cases.count(), "listing": listing, "tiers": tiers,
        "region_name": call.region.name,
    }


def _stored(notice: Notice) -> bytes | None:
    return document_read(notice.pdf, notice.pdf_sha256)


def notice_pdf(*, notice: Notice) -> bytes:
    """The notice's sealed PDF, rendered and sealed on first use and stored."""
    content = _stored(notice)
    if content is not None:
        return content
    call = notice.call
    url = notice_verify_url(notice)
    with translation.override(settings.LANGUAGE_CODE):  # the notice of record is Chinese
        context = notice_context(call)
    unsealed = render_pdf(TEMPLATE, {**context, "notice": notice,
                                     "verify_url": url, "qr_png": qr_png(url)},
                          stylesheets=[STYLESHEET], compact_font=True)
    seal = seal_for_department(department=notice.department_id)
    sealed = pdf_seal(unsealed, seal=seal, code=notice.verification_code,
                      reason=f"{notice_heading(call)}（核验码 {notice.verification_code}）",
                      location=notice.department.name)
    return _store(notice_id=notice.pk, content=sealed.content, seal_serial=seal.serial,
                  signer_serial=sealed.document.serial,
                  signer_fingerprint=sealed.document.fingerprint)


@atomic_audited
def _store(*, notice_id: int, content: bytes, seal_serial: str, signer_serial: str,
           signer_fingerprint: str) -> bytes:
    notice = Notice.objects.select_for_update().get(pk=notice_id)
    already = _stored(notice)
    if already is not None:  # another request sealed it first
        return already
    name = f"awards/notices/{notice.number}.pdf"
    digest = document_write(name, content)
    Notice.objects.filter(pk=notice_id).update(
        pdf=name, pdf_sha256=digest, seal_serial=seal_serial,
        signer_serial=signer_serial, signer_fingerprint=signer_fingerprint)
    audit_record(actor=None, action="awards.notice_sealed", entity="award_notice",
                 entity_id=notice.number, data={"seal": seal_serial, "sha256": digest,
                                                "signer": signer_serial})
    return content
