"""Submitting a case: every problem named at once, nothing stored on a refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from onevisit import clock
from onevisit.applications.services.inputs import Upload
from onevisit.awards import selectors, services
from onevisit.awards.models import AwardCase, CaseAttachment
from onevisit.errors import InvalidInput, NotAllowed, NotFound
from onevisit.files.models import StoredFile
from tests.awards.conftest import Awards
from tests.conftest import PDF


def test_a_unit_submits_with_an_attachment_and_sees_its_case(awards: Awards):
    call = awards.open_call()
    staff = awards.unit_staff["jh-sw"]
    case = services.case_submit(actor=staff, call=call, title="农村垃圾分类治理",
                                text="两次四分，分类减量。",
                                unit_name="中共金华市委、金华市人民政府",
                                attachments=[Upload(key="attachment_1", filename="材料.pdf",
                                                    content=PDF)])
    assert (case.number, case.unit_name, case.unit_department.code, case.region_id) == (
        "2016-001", "中共金华市委、金华市人民政府", "jh-sw", "3307")
    attachment = case.attachments.get()
    assert (attachment.name, attachment.content_type) == ("材料.pdf", "application/pdf")
    assert selectors.attachment_read(actor=staff, attachment_id=attachment.pk)[1] == PDF
    assert list(selectors.cases_of_unit(actor=staff)) == [case]
    assert selectors.cases_of_unit(actor=awards.unit_staff["hz-mzj"]).count() == 0
    with pytest.raises(NotFound):
        selectors.case_get(actor=awards.unit_staff["hz-mzj"], case_id=case.pk)
    with pytest.raises(NotFound):
        selectors.attachment_read(actor=awards.experts[0].user, attachment_id=attachment.pk)


def test_every_problem_is_named_at_once_and_nothing_is_stored(awards: Awards):
    call = awards.open_call()
    awards.submit(call, 0, "居家养老服务标准化")
    files = StoredFile.objects.count()
    with clock.frozen_at(call.closes_at + dt.timedelta(minutes=1)), \
            pytest.raises(InvalidInput) as refused:
        services.case_submit(
            actor=awards.unit_staff["hz-mzj"], call=call, title="居家养老服务标准化",
            text=" ", attachments=[Upload(key="attachment_1", filename="a.exe",
                                          content=b"MZ\x90\x00"),
                                   Upload(key="attachment_2", filename="b.pdf", content=PDF)])
    assert set(refused.value.errors) == {"call", "title", "text", "attachment_1"}
    assert "本单位已申报同名案例" in str(refused.value.errors["title"])
    assert AwardCase.objects.count() == 1
    assert not CaseAttachment.objects.exists()
    assert StoredFile.objects.count() == files


def test_a_call_not_open_refuses_and_a_citizen_cannot_submit(awards: Awards):
    draft = awards.call()
    with pytest.raises(InvalidInput) as refused:
        awards.submit(draft, 0, "居家养老服务标准化")
    assert set(refused.value.errors) == {"call"}
    citizen = awards.experts[0].user.__class__.objects.create(username="citizen")
    with pytest.raises(NotAllowed):
        services.case_submit(actor=citizen, call=draft, title="t", text="t")
    assert not AwardCase.objects.exists()


def test_the_same_title_from_another_unit_is_another_case(awards: Awards):
    call = awards.open_call()
    awards.submit(call, 0, "基层治理")
    awards.submit(call, 1, "基层治理")
    assert list(call.cases.values_list("number", flat=True)) == ["2016-001", "2016-002"]


def test_one_title_once_per_department_whatever_unit_name_it_gives(awards: Awards):
    call = awards.open_call()
    staff = awards.unit_staff["jh-sw"]
    services.case_submit(actor=staff, call=call, title="农村垃圾分类治理",
                         text="两次四分。", unit_name="中共金华市委、金华市人民政府")
    for unit_name in ("", "中共金华市委"):
        with pytest.raises(InvalidInput) as refused:
            services.case_submit(actor=staff, call=call, title="农村垃圾分类治理",
                                 text="两次四分。", unit_name=unit_name)
        assert set(refused.value.errors) == {"title"}
    # Another department giving the same unit name is the same unit.
    with pytest.raises(InvalidInput):
        services.case_submit(actor=awards.unit_staff["yw-sfj"], call=call,
                             title="农村垃圾分类治理", text="两次四分。",
                             unit_name="中共金华市委、金华市人民政府")
    assert AwardCase.objects.count() == 1
