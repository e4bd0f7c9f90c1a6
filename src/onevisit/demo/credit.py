"""Demo credit (信用): the demo citizen acts for companies in three tiers, so a walker sees
intake offer them different things (docs/credit.md):

- her own company (the one she represents or is the agent of): A — 容缺 and 告知承诺
  (食品经营许可 takes a commitment for its layout document);
- a second company, agent by mandate: C — no 容缺, no 告知承诺, a second reviewer's sign-off;
- a third company, agent by mandate: D — the same, and a repair application it filed
  waits in the supervisor's inbox and on the credit page.

Also a global tier rule (the defaults) so the admin shows what to edit. Idempotent."""

from __future__ import annotations

import datetime as dt

from onevisit import clock
from onevisit.accounts.models import SubjectKind, User
from onevisit.credit.constants import CreditSource, Severity
from onevisit.credit.models import CreditAppeal, CreditPolicy
from onevisit.credit.services import credit_policy_save, credit_record_add
from onevisit.demo.catalogue.reference import DISTRICT
from onevisit.demo.population import Company, Population
from onevisit.demo.staff import demo_binding_ensure
from onevisit.supervision.credit_alerts import credit_appeal_file_alerted

# (severity, reference, fact, legal basis) of the record that puts a company in its tier.
TIER_C = (Severity.GENERAL, "杭西税罚〔2026〕35号",
          "未按期办理纳税申报，经责令限期改正后逾期改正",
          "《中华人民共和国税收征收管理法》第六十二条；《纳税信用管理办法》第二十条")
TIER_D = (Severity.SERIOUS, "(2026)浙0106执1024号",
          "有履行能力而拒不履行生效法律文书确定的义务，被列入失信被执行人名单",
          "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条")


def _record(company: Company, tier: tuple[Severity, str, str, str]) -> int:
    severity, reference, fact, basis = tier
    return credit_record_add(
        subject_kind=SubjectKind.ENTERPRISE, subject_code=company.uscc,
        subject_name=company.name, source=CreditSource.REGISTRY_IMPORT, reference=reference,
        severity=severity, fact=fact, legal_basis=basis, region_id=DISTRICT,
        valid_days=3 * 365, valid_from=clock.now() - dt.timedelta(days=40)).pk


def demo_credit_load(*, population: Population, citizen: User) -> None:
    if not CreditPolicy.objects.filter(active=True, region__isnull=True).exists():
        credit_policy_save(policy=CreditPolicy(note="默认规则（docs/credit.md）"), actor=None)
    # Not her own company, nor the first (the one she is the agent of when she owns none):
    # the same two on every run.
    others = [c for c in population.companies[1:]
              if c.legal_rep_id_number != citizen.id_number][:2]
    for company, tier in zip(others, (TIER_C, TIER_D), strict=False):
        demo_binding_ensure(user=citizen, company=(company.uscc, company.name),
                            legal_representative=False)
        record_id = _record(company, tier)
        if tier is TIER_D and not CreditAppeal.objects.filter(record_id=record_id).exists():
            credit_appeal_file_alerted(
                record_id=record_id, kind="repair", actor=citizen,
                statement="已全部履行判决确定的义务，申请信用修复",
                evidence="法院出具的执行完毕证明（（2026）浙0106执1024号之一）")
