"""A town's county is told its published result; other counties and the office are not."""

from __future__ import annotations

from onevisit.notifications.constants import NotifyChannel, NotifyEvent
from onevisit.notifications.models import Notification
from onevisit.towns.services import assessments_publish, report_assess, report_submit
from tests.towns.conftest import Programme, evidence, figures


def test_publishing_a_result_tells_the_towns_county_once(programme: Programme) -> None:
    p = programme
    p.xihu.phone = "13800001111"
    p.xihu.save(update_fields=["phone"])
    report_submit(actor=p.xihu, code=p.town.code, year=2016, figures=figures(),
                  evidence=evidence())
    report_assess(actor=p.office, code=p.town.code, year=2016)
    assert not Notification.objects.exists()  # assessed, not yet published

    assessments_publish(actor=p.office, year=2016)
    assessments_publish(actor=p.office, year=2016)

    told = Notification.objects.filter(event=NotifyEvent.TOWN_ASSESSED)
    assert sorted((n.user.username, n.channel) for n in told) == [
        ("towns-xihu", NotifyChannel.SITE), ("towns-xihu", NotifyChannel.SMS)]
    site = told.get(channel=NotifyChannel.SITE)
    assert site.context["town"] == p.town.name
    assert site.context["result"] == "合格"
    assert site.link == f"/workbench/towns/{p.town.code}/reports/2016/"


def test_the_county_officer_reads_it_in_her_messages(programme: Programme, client) -> None:
    p = programme
    report_submit(actor=p.xihu, code=p.town.code, year=2016, figures=figures(),
                  evidence=evidence())
    report_assess(actor=p.office, code=p.town.code, year=2016)
    assessments_publish(actor=p.office, year=2016)

    client.force_login(p.xihu)
    page = client.get("/workbench/towns/").content.decode()
    assert 'href="/me/messages/"' in page
    messages = client.get("/me/messages/").content.decode()
    assert f"{p.town.name} 2016 年度考核结果已公布：合格" in messages
    client.force_login(p.yuhang)
    assert f"{p.town.name} 2016" not in client.get("/me/messages/").content.decode()
