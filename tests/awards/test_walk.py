"""A call walked through its rounds to the sealed notice."""

from __future__ import annotations

import subprocess

from onevisit.awards import selectors, services
from onevisit.awards.constants import CallStatus, Tier
from tests.awards.conftest import Awards


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def test_a_call_walks_to_its_sealed_notice(awards: Awards) -> None:
    call = awards.open_call()
    cases = awards.drawn(call, 8)
    awards.to_selection(call, {c.number: 90 - 2 * i for i, c in enumerate(cases)})
    call.refresh_from_db()
    shortlisted = list(call.cases.filter(shortlisted=True).order_by("preliminary_rank"))
    assert [c.number for c in shortlisted] == [c.number for c in cases[:6]]
    tiers = [Tier.SPECIAL, Tier.TOP_TEN, Tier.TOP_TEN, Tier.EXCELLENCE, Tier.EXCELLENCE,
             Tier.EXCELLENCE]
    for case, tier in zip(shortlisted, tiers, strict=True):
        services.vote_record(actor=awards.office, call=call, case=case, tier=tier,
                             votes_for=12, votes_against=2, votes_abstain=1)
    for unit in ("杭州市委办公厅", "金华市委办公室", "温州市委政研室"):
        services.vote_record(actor=awards.office, call=call, tier=Tier.ORGANISING,
                             unit_name=unit, votes_for=10, votes_against=5, votes_abstain=0)
    notice = services.call_publish(actor=awards.office, call=call)
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    assert selectors.call_result_check(call=call)
    placed = [(p.tier, p.position, p.case) for p in selectors.call_result_compute(call=call)]
    assert placed == [
        (Tier.SPECIAL, 1, cases[0].number),
        (Tier.TOP_TEN, 1, cases[1].number), (Tier.TOP_TEN, 2, cases[2].number),
        (Tier.EXCELLENCE, 1, cases[3].number), (Tier.EXCELLENCE, 2, cases[4].number),
        (Tier.ORGANISING, 1, None), (Tier.ORGANISING, 2, None),
    ]
    content = services.notice_pdf(notice=notice)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert "关于第四届浙江省公共管理创新案例评选结果的通报" in text.replace("\n", "")
