"""A credit fact is recorded once, counts while in force, and its weight sets the tier."""

from __future__ import annotations

import datetime as dt

import pytest

from onevisit import clock
from onevisit.accounts.models import SubjectKind
from onevisit.audit.models import AuditEvent
from onevisit.credit.constants import CreditSource, CreditTier, Severity
from onevisit.credit.models import CreditRecord
from onevisit.credit.selectors import tier_of, tiers_of
from onevisit.credit.services import credit_record_add
from onevisit.errors import InvalidInput

pytestmark = pytest.mark.django_db

COMPANY = "91330106MA2KX7Q10W"


def _record(world, reference: str, severity: Severity, days: int = 365) -> CreditRecord:
    return credit_record_add(
        subject_kind=SubjectKind.ENTERPRISE, subject_code=COMPANY, subject_name="杭州某某公司",
        source=CreditSource.INSPECTION, reference=reference, severity=severity,
        fact="检查发现问题未按期整改", legal_basis="《企业信息公示暂行条例》第十八条",
        region_id=world.housing.region_id, valid_days=days)


def test_a_subject_without_records_is_in_the_best_tier(world):
    assert tiers_of([COMPANY, "330106199001010011"]) == {
        COMPANY: CreditTier.A, "330106199001010011": CreditTier.A}


def test_records_in_force_weigh_their_severity(world):
    _record(world, "R-1", Severity.MINOR)
    assert tier_of(COMPANY) == CreditTier.B
    _record(world, "R-2", Severity.GENERAL)
    assert tier_of(COMPANY) == CreditTier.C
    _record(world, "R-3", Severity.SERIOUS)
    assert tier_of(COMPANY) == CreditTier.D


def test_the_same_fact_sent_again_is_recorded_once(world):
    first = _record(world, "R-1", Severity.GENERAL)
    events = AuditEvent.objects.count()
    again = _record(world, "R-1", Severity.GENERAL)
    assert again.pk == first.pk
    assert (CreditRecord.objects.count(), AuditEvent.objects.count()) == (1, events)


def test_a_record_past_its_validity_no_longer_counts(world):
    _record(world, "R-1", Severity.SERIOUS, days=30)
    assert tier_of(COMPANY) == CreditTier.D
    assert tier_of(COMPANY, at=clock.now() + dt.timedelta(days=31)) == CreditTier.A


def test_a_record_without_a_validity_period_is_refused_and_nothing_is_stored(world):
    with pytest.raises(InvalidInput):
        _record(world, "R-1", Severity.MINOR, days=0)
    assert CreditRecord.objects.count() == 0
