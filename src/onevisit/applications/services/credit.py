"""What the applicant's credit tier offers at intake (docs/credit.md): 容缺受理 to good
tiers, 告知承诺 to the best, and a second reviewer's sign-off (复核) for bad tiers."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.utils.translation import gettext as _

from onevisit.credit.constants import (
    COMMITMENT_TIERS,
    SECOND_REVIEW_TIERS,
    TOLERATED_TIERS,
    CreditTier,
)
from onevisit.credit.selectors import tier_of
from onevisit.errors import InvalidInput


@dataclass(frozen=True)
class CreditOptions:
    """What intake offers an applicant of this tier."""

    tier: CreditTier
    tolerated: bool  # 容缺受理
    commitment: bool  # 告知承诺
    second_review: bool  # 复核

    @property
    def tier_label(self) -> str:
        return str(self.tier.label)


def credit_options(*, id_number: str, region_id: str) -> CreditOptions:
    """The applicant's tier under the rule of the region handling the matter, and what
    it offers."""
    tier = tier_of(id_number, region_id=region_id)
    return CreditOptions(tier=tier, tolerated=tier in TOLERATED_TIERS,
                         commitment=tier in COMMITMENT_TIERS,
                         second_review=tier in SECOND_REVIEW_TIERS)


def credit_options_check(*, options: CreditOptions, tolerated: Collection[str],
                         commitment: Collection[str]) -> None:
    """Refuse (InvalidInput, nothing stored) 容缺 or 告知承诺 the tier does not offer."""
    errors = {}
    if tolerated and not options.tolerated:
        errors["tolerated"] = _("申请人信用等级为%(tier)s，不适用容缺受理，请提交全部材料") % {
            "tier": options.tier_label}
    if commitment and not options.commitment:
        errors["commitment"] = _("申请人信用等级为%(tier)s，告知承诺制仅适用于A级") % {
            "tier": options.tier_label}
    if errors:
        raise InvalidInput(_("申请人的信用等级不适用所选受理方式"), errors)
