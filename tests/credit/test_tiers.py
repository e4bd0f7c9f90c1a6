"""The tier rule: points per severity and thresholds, configurable per region or for all
regions, the defaults when none is configured; records that ended or expired do not count."""

from __future__ import annotations

import datetime as dt

import pytest

from onevisit import clock
from onevisit.accounts.models import Region, RegionLevel
from onevisit.audit.models import AuditEvent
from onevisit.credit.constants import CreditTier, Severity
from onevisit.credit.models import CreditPolicy
from onevisit.credit.selectors import tier_of, tier_rule, tiers_of
from onevisit.credit.services import credit_policy_save
from onevisit.errors import InvalidInput
from tests.credit.helpers import record
from tests.factories import resident_id

pytestmark = pytest.mark.django_db

PERSON = resident_id(seq="301")
OTHER = resident_id(seq="302")


@pytest.fixture
def regions(db: None) -> None:
    province = Region.objects.create(code="33", name="浙江省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="3301", name="杭州市", level=RegionLevel.CITY,
                                 parent=province)
    Region.objects.create(code="330106", name="西湖区", level=RegionLevel.COUNTY, parent=city)
    Region.objects.create(code="330108", name="滨江区", level=RegionLevel.COUNTY, parent=city)


def test_the_default_rule_weighs_severities_and_a_subject_without_records_is_a(regions):
    record(PERSON, Severity.MINOR, reference="R-1")
    assert tiers_of([PERSON, OTHER]) == {PERSON: CreditTier.B, OTHER: CreditTier.A}

    record(PERSON, Severity.MINOR, reference="R-2")
    assert tier_of(PERSON) == CreditTier.B  # 2 points: B allows 2
    record(PERSON, Severity.MINOR, reference="R-3")
    assert tier_of(PERSON) == CreditTier.C  # 3 points
    record(PERSON, Severity.SERIOUS, reference="R-4")
    assert tier_of(PERSON) == CreditTier.D  # 13 points: over C's 9


def test_a_configured_rule_changes_the_tier_and_the_nearest_region_wins(regions):
    record(PERSON, Severity.GENERAL)  # 3 points: C by default
    assert tier_of(PERSON, region_id="330106") == CreditTier.C

    credit_policy_save(policy=CreditPolicy(general_points=2, a_max=0, b_max=2, c_max=9),
                       actor=None)
    assert tier_of(PERSON, region_id="330106") == CreditTier.B  # the global rule

    credit_policy_save(policy=CreditPolicy(region_id="3301", general_points=5, a_max=0,
                                           b_max=4, c_max=4), actor=None)
    assert tier_of(PERSON, region_id="330106") == CreditTier.D  # the city's rule
    assert tier_of(PERSON, region_id="330108") == CreditTier.D
    assert tier_of(PERSON) == CreditTier.B  # asked for no region: the global rule
    assert AuditEvent.objects.filter(action="credit.policy_saved").count() == 2


def test_activating_a_new_rule_retires_the_old_one_of_the_same_scope(regions):
    first = credit_policy_save(policy=CreditPolicy(region_id="330106"), actor=None)
    second = credit_policy_save(policy=CreditPolicy(region_id="330106", minor_points=5),
                                actor=None)

    first.refresh_from_db()
    assert (first.active, second.active) == (False, True)
    assert tier_rule(region_id="330106").points[Severity.MINOR] == 5


def test_thresholds_out_of_order_are_refused_and_nothing_is_saved(regions):
    with pytest.raises(InvalidInput) as refused:
        credit_policy_save(policy=CreditPolicy(a_max=3, b_max=2, c_max=9), actor=None)

    assert "c_max" in refused.value.errors
    assert not CreditPolicy.objects.exists()
    assert not AuditEvent.objects.filter(action="credit.policy_saved").exists()


def test_ended_and_expired_records_do_not_count(regions):
    ended = record(PERSON, Severity.SERIOUS, reference="R-1")
    record(PERSON, Severity.SERIOUS, reference="R-2", valid_days=30)
    assert tier_of(PERSON) == CreditTier.D

    ended.ended_at = clock.now()
    ended.save()
    later = clock.now() + dt.timedelta(days=31)
    assert tier_of(PERSON, at=clock.now() + dt.timedelta(seconds=1)) == CreditTier.D
    assert tier_of(PERSON, at=later) == CreditTier.A


def _policy_form(**values: object) -> dict:
    form = {"region": "", "active": "on", "minor_points": 1, "general_points": 3,
            "serious_points": 10, "a_max": 0, "b_max": 2, "c_max": 9, "note": ""}
    form.update(values)
    return form


def test_the_admin_edits_the_rule_one_active_per_region(regions):
    from django.test import Client

    from tests.factories import UserFactory

    admin = Client()
    admin.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    for url in ("/admin/credit/creditpolicy/", "/admin/credit/creditpolicy/add/",
                "/admin/credit/creditrecord/", "/admin/credit/creditappeal/"):
        assert admin.get(url).status_code == 200, url

    assert admin.post("/admin/credit/creditpolicy/add/",
                      _policy_form(region="330106")).status_code == 302
    first = CreditPolicy.objects.get()
    twin = admin.post("/admin/credit/creditpolicy/add/",
                      _policy_form(region="330106", general_points=1))
    assert "该地区已有启用的信用分级规则" in twin.content.decode()
    assert CreditPolicy.objects.count() == 1

    assert admin.post(f"/admin/credit/creditpolicy/{first.pk}/change/",
                      _policy_form(region="330106", general_points=1)).status_code == 302
    record(PERSON, Severity.GENERAL)
    assert tier_of(PERSON, region_id="330106") == CreditTier.B
    assert AuditEvent.objects.filter(action="credit.policy_saved").count() == 2

    refused = admin.post("/admin/credit/creditpolicy/add/",
                         _policy_form(a_max=5, b_max=2))
    assert refused.status_code == 200
    assert "各级最高分应满足 A ≤ B ≤ C" in refused.content.decode()
    assert CreditPolicy.objects.count() == 1
