"""Demo accounts: one per role, one reviewer and one lead per department — of the grassroots
platforms, those of one township (翠苑街道). Demo mode only."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q

from onevisit import clock
from onevisit.accounts.models import (
    Authorisation,
    AuthorisationBasis,
    Department,
    Role,
    SubjectKind,
    User,
)
from onevisit.accounts.services import authorisation_grant
from onevisit.towns.constants import OFFICE_DEPARTMENT_CODE

DEMO_PASSWORD = "onevisit-demo"  # noqa: S105 - printed for the demo; refused outside DEBUG
# The township whose four grassroots platforms have demo staff: 翠苑街道 of 西湖区.
PLATFORM_TOWNSHIP = "330106005"
# The departments of the award's organisers and submitting units (demo.awards) have codes
# starting so; they, and 特色小镇's joint-meeting office, review no applications.
AWARD_DEPARTMENTS = "aw-"


@dataclass(frozen=True)
class Staff:
    admin: User
    clerk: User
    supervisor: User
    city_supervisor: User  # 杭州市: sees every county of the city
    courier: User
    citizen: User
    agent: User
    dispatcher: User
    reviewers: dict[str, User]
    leads: dict[str, User]  # each department's lead (负责人), who reassigns its cases


def _user(username: str, *, role: str, name: str, **extra: object) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"role": role, "first_name": name, **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


# The demo county, where the staff outside departments work, and its city.
DEMO_COUNTY = "330106"
DEMO_CITY = "3301"


@transaction.atomic
def demo_staff_ensure(*, citizen_id_number: str, citizen_name: str) -> Staff:
    """Create (once) the demo accounts; the citizen is a person of the demo population.
    The staff outside departments work in the demo county; one supervisor in its city."""
    staffed = Department.objects.filter(Q(platform="") | Q(region_id=PLATFORM_TOWNSHIP)).exclude(
        Q(code__startswith=AWARD_DEPARTMENTS) | Q(code=OFFICE_DEPARTMENT_CODE))
    reviewers = {
        department.code: _user(
            f"reviewer-{department.code}", role=Role.REVIEWER, department=department,
            name=department.name + ("工作人员" if department.platform else "审批员"))
        for department in staffed
    }
    leads = {
        department.code: _user(f"lead-{department.code}", role=Role.REVIEWER,
                               name=f"{department.name}负责人", department=department,
                               department_lead=True)
        for department in staffed
    }
    return Staff(
        admin=_user("admin", role=Role.EDITOR, name="事项管理员", is_staff=True,
                    is_superuser=True),
        clerk=_user("clerk", role=Role.CLERK, name="综合受理窗口", region_id=DEMO_COUNTY),
        supervisor=_user("supervisor", role=Role.SUPERVISOR, name="电子监察",
                         region_id=DEMO_COUNTY),
        city_supervisor=_user("city-supervisor", role=Role.SUPERVISOR, name="杭州市电子监察",
                              region_id=DEMO_CITY),
        courier=_user("courier", role=Role.COURIER, name="寄递服务", region_id=DEMO_COUNTY),
        citizen=_user("citizen", role=Role.CITIZEN, name=citizen_name,
                      id_number=citizen_id_number),
        agent=_user("agent", role=Role.AGENT, name="12345 话务员", region_id=DEMO_COUNTY),
        dispatcher=_user("dispatcher", role=Role.DISPATCHER, name="12345 派单员",
                         region_id=DEMO_COUNTY),
        reviewers=reviewers, leads=leads,
    )


def demo_account_for(*, id_number: str, name: str, company: tuple[str, str] | None = None,
                     phone: str = "") -> User:
    """The citizen account of a person of the demo population (made once, no password: the
    simulation files through it, nobody signs in with it); with `company` (credit code,
    name), bound to the company she represents."""
    digest = hashlib.sha256(id_number.encode()).hexdigest()[:12]
    user, _created = User.objects.get_or_create(
        username=f"resident-{digest}",
        defaults={"role": Role.CITIZEN, "first_name": name, "id_number": id_number,
                  "phone": phone, "password": make_password(None)},
    )
    if company is not None:
        demo_binding_ensure(user=user, company=company, legal_representative=True)
    return user


def demo_binding_ensure(*, user: User, company: tuple[str, str],
                        legal_representative: bool) -> Authorisation:
    """Bind a demo account to a company (credit code, name) once: as its legal
    representative, or as its agent with a year's mandate for every matter."""
    existing = Authorisation.objects.filter(user=user, subject_id=company[0],
                                            revoked_at__isnull=True).first()
    if existing is not None:
        return existing
    if legal_representative:
        return authorisation_grant(user=user, subject_kind=SubjectKind.ENTERPRISE,
                                   subject_id=company[0], subject_name=company[1],
                                   basis=AuthorisationBasis.LEGAL_REPRESENTATIVE, actor=None)
    return authorisation_grant(user=user, subject_kind=SubjectKind.ENTERPRISE,
                               subject_id=company[0], subject_name=company[1],
                               basis=AuthorisationBasis.MANDATE, actor=None,
                               valid_until=clock.now() + dt.timedelta(days=365),
                               document="DEMO-WT-0001")
