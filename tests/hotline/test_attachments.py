"""A ticket's attachments: checked like a filing's materials, stored with the ticket or
not at all."""

from __future__ import annotations

from typing import Any

import pytest

from onevisit.files.models import StoredFile
from onevisit.hotline.models import Ticket, TicketAttachment
from onevisit.hotline.services import tickets
from tests.conftest import PDF, Api, b64
from tests.files.builders import pdf_bomb, png_header
from tests.files.media import media_files

pytestmark = pytest.mark.django_db

COMPLAINT = {
    "type": "complaint", "channel": "phone",
    "text": "蒋村街道紫金港路口的井盖松动，车开过去哐哐响，晚上吵得睡不着，还怕有人踩空。",
    "caller_name": "陈先生", "caller_phone": "13600000001", "address": "紫金港路口",
}


class Boom(Exception):
    pass


@pytest.mark.parametrize(("build", "reason"), [
    (lambda: png_header(60000, 60000), "图片超过 50 百万像素的上限"),
    (pdf_bomb, "PDF 中有数据流解压后超过 50 MB"),
])
def test_an_attachment_bomb_is_refused_and_nothing_is_stored(hw, build, reason):
    response = Api(hw.agent).post("/tickets", {
        **COMPLAINT, "attachments": [{"filename": "井盖.png", "content_base64": b64(build())}]})

    assert response.status_code == 422
    assert response.json()["errors"] == {"attachments.0": reason}
    assert Ticket.objects.count() == 0
    assert StoredFile.objects.count() == 0
    assert media_files() == []


def test_a_ticket_that_fails_after_its_attachment_is_written_leaves_no_file(hw, monkeypatch):
    def fail(**kwargs: Any) -> None:
        raise Boom

    monkeypatch.setattr(tickets, "event_add", fail)

    with pytest.raises(Boom):
        Api(hw.agent).post("/tickets", {
            **COMPLAINT, "attachments": [{"filename": "井盖.pdf", "content_base64": b64(PDF)}]})

    assert Ticket.objects.count() == 0
    assert media_files() == []


def test_a_filed_ticket_keeps_its_attachment(hw, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Api(hw.agent).post("/tickets", {
            **COMPLAINT, "attachments": [{"filename": "井盖.pdf", "content_base64": b64(PDF)}]})

    assert response.status_code == 201
    attachment = TicketAttachment.objects.get()
    assert attachment.file.startswith("attachments/")
    assert media_files() == [attachment.file]
