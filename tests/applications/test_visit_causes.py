"""Visits carry their cause: a trip the applicant chose is no broken promise, one the
government caused is; the reform dashboard lists the causes of trips beyond the items'."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onevisit import clock
from onevisit.applications.constants import Channel, VisitCause
from onevisit.applications.models import Application, Visit
from onevisit.applications.selectors import visit_causes_count
from onevisit.applications.services import (
    Applicant,
    DeliveryChoice,
    Upload,
    application_submit,
    application_supplement,
    subject_resolve,
)
from onevisit.audit.models import AuditEvent
from onevisit.demo.catalogue import demo_catalogue_load
from onevisit.errors import InvalidInput
from onevisit.exchange.services import registry_record_put
from onevisit.supervision.models import Alert
from onevisit.supervision.selectors import alert_evidence_rows
from tests.conftest import PDF
from tests.factories import UserFactory, resident_id

pytestmark = pytest.mark.django_db

PERSON = resident_id(birth="19800101", seq="301")
TZ = dt.timezone(dt.timedelta(hours=8))
TUESDAY = dt.datetime(2026, 12, 1, 10, 0, tzinfo=TZ)
PENSION = "330106-RS-003"  # 城乡居民基本养老保险参保登记: 零上门, may be filed online


@pytest.fixture
def catalogue(db: None) -> None:
    demo_catalogue_load()
    person = {"name": "陈一", "id_number": PERSON, "address": "浙江省杭州市西湖区文三路 1 号"}
    registry_record_put(source="population", evidence_type="resident_id_card", subject=PERSON,
                        data=person)


def _file(*, cause: str = "", note: str = "", consent: bool = True) -> Application:
    with clock.frozen_at(TUESDAY):
        return application_submit(
            subject=subject_resolve(item_code=PENSION),
            applicant=Applicant(kind="person", name="陈一", id_number=PERSON),
            data={"applicant_name": "陈一", "applicant_id_number": PERSON,
                  "applicant_phone": "13812345678", "household_region_code": "330106",
                  "annual_contribution": "500"},
            channel=Channel.WINDOW, actor=UserFactory(username="window", clerk=True),
            consent=consent, delivery=DeliveryChoice(method="download"),
            visit_cause=cause, visit_note=note,
        ).application


def test_a_walk_in_for_a_zero_visit_item_is_the_applicants_choice(catalogue):
    application = _file()

    [visit] = application.visits.all()
    assert visit.cause == VisitCause.WALK_IN
    assert visit.citizen_chose
    assert not Alert.objects.filter(application_number=application.number).exists()


def test_a_trip_the_government_caused_breaks_the_promise(catalogue):
    application = _file(cause=VisitCause.SYSTEM_DOWN, note="网上申报系统故障")

    [visit] = application.visits.all()
    assert (visit.cause, visit.cause_note) == ("system_down", "网上申报系统故障")
    alert = Alert.objects.get(application_number=application.number, kind="visits_exceeded")
    assert alert.message == "计入承诺的跑动已有 1 次，承诺最多 0 次"


@pytest.mark.parametrize(("cause", "alerted"), [
    (VisitCause.PREFERS_WINDOW, False),
    (VisitCause.MISSING_NOTICE, True),
    (VisitCause.SECOND_TRIP_DEMANDED, True),
])
def test_a_second_trip_counts_only_when_the_government_caused_it(catalogue, cause, alerted):
    application = _file(consent=False)  # the household register is asked for: a notice
    assert application.status == "needs_supplement"
    key = application.materials.get(status="missing", evidence_type="household_register").key

    with clock.frozen_at(TUESDAY + dt.timedelta(days=1)):
        application_supplement(number=application.number, actor=UserFactory(clerk=True),
                               uploads=[Upload(key=key, filename="h.pdf", content=PDF)],
                               at_window=True, new_trip=True, visit_cause=cause)

    assert [v.cause for v in application.visits.all()] == ["walk_in", cause]
    assert Alert.objects.filter(application_number=application.number,
                                kind="visits_exceeded").exists() is alerted


def test_an_unknown_cause_is_refused_and_nothing_is_filed(catalogue):
    audit = AuditEvent.objects.count()

    with pytest.raises(InvalidInput) as refused:
        _file(cause="felt_like_it")

    assert refused.value.errors == {"visit_cause": "未知的跑动原因"}
    assert not Application.objects.exists()
    assert not Visit.objects.exists()
    assert AuditEvent.objects.count() == audit


def test_unrecorded_is_not_a_cause_a_clerk_may_choose(catalogue):
    with pytest.raises(InvalidInput):
        _file(cause=VisitCause.UNRECORDED)
    assert not Application.objects.exists()


def test_a_supplement_with_a_bad_cause_changes_nothing(catalogue):
    application = _file(consent=False)
    key = application.materials.get(status="missing", evidence_type="household_register").key
    before = list(application.materials.values_list("key", "status"))

    with pytest.raises(InvalidInput):
        application_supplement(number=application.number, actor=UserFactory(clerk=True),
                               uploads=[Upload(key=key, filename="h.pdf", content=PDF)],
                               at_window=True, new_trip=True, visit_cause="x" * 40)

    assert list(application.materials.values_list("key", "status")) == before
    assert application.visits.count() == 1


def test_the_clerk_must_name_the_cause_of_a_return_trip(catalogue):
    application = _file(consent=False)
    key = application.materials.get(status="missing", evidence_type="household_register").key
    clerk = Client()
    clerk.force_login(UserFactory(username="window2", clerk=True))

    response = clerk.post(f"/hall/applications/{application.number}/supplement/",
                          {f"m:{key}": SimpleUploadedFile("h.pdf", PDF), "new_trip": "1"},
                          follow=True)

    assert "请选择申请人本次来大厅的原因" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "needs_supplement"
    assert application.visits.count() == 1


def test_the_dashboard_counts_causes_per_department(catalogue):
    _file()
    _file(cause=VisitCause.SYSTEM_DOWN)
    _file(cause=VisitCause.SYSTEM_DOWN)

    rows = visit_causes_count(since=TUESDAY - dt.timedelta(days=1),
                              until=TUESDAY + dt.timedelta(days=1))

    assert [(r.department, r.cause, r.government_caused, r.trips) for r in rows] == [
        ("杭州市西湖区人力资源和社会保障局", "system_down", True, 2),
        ("杭州市西湖区人力资源和社会保障局", "walk_in", False, 1),
    ]
    assert visit_causes_count(since=TUESDAY + dt.timedelta(days=1),
                              until=TUESDAY + dt.timedelta(days=2)) == []
    supervisor = Client()
    supervisor.force_login(UserFactory(username="supervisor", supervisor=True))
    with clock.frozen_at(TUESDAY):
        page = supervisor.get("/dashboard/").content.decode()
    assert "跑多次的原因" in page
    assert "系统故障，无法网上办理或送达" in page
    assert "申请人自愿" in page


def test_the_alert_shows_each_trip_at_the_local_time_and_in_words(catalogue):
    application = _file(cause=VisitCause.SYSTEM_DOWN, note="网上申报系统故障")
    alert = Alert.objects.get(application_number=application.number, kind="visits_exceeded")

    rows = {row.key: row for row in alert_evidence_rows(alert=alert)}

    # Filed at 10:00 in Hangzhou: the supervisor reads 10:00, not the UTC 02:00.
    assert rows["visits"].items == (
        "2026-12-01 10:00 · 系统故障，无法网上办理或送达（网上申报系统故障） · 计入承诺",)
    [visit] = application.visits.all()
    assert (visit.purpose_labels, visit.get_cause_display()) == (
        ["窗口受理"], "系统故障，无法网上办理或送达")
