"""Demo accounts: one per role, one reviewer per department. Demo mode only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from onevisit.accounts.models import Department, Role, User

DEMO_PASSWORD = "onevisit-demo"  # noqa: S105 - printed for the demo; refused outside DEBUG


@dataclass(frozen=True)
class Staff:
    admin: User
    clerk: User
    supervisor: User
    courier: User
    citizen: User
    agent: User
    dispatcher: User
    reviewers: dict[str, User]


def _user(username: str, *, role: str, name: str, **extra: object) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"role": role, "first_name": name, **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def demo_staff_ensure(*, citizen_id_number: str, citizen_name: str) -> Staff:
    """Create (once) the demo accounts; the citizen is a person of the demo population."""
    reviewers = {
        department.code: _user(f"reviewer-{department.code}", role=Role.REVIEWER,
                               name=f"{department.name}审批员", department=department)
        for department in Department.objects.all()
    }
    return Staff(
        admin=_user("admin", role=Role.EDITOR, name="事项管理员", is_staff=True,
                    is_superuser=True),
        clerk=_user("clerk", role=Role.CLERK, name="综合受理窗口"),
        supervisor=_user("supervisor", role=Role.SUPERVISOR, name="电子监察"),
        courier=_user("courier", role=Role.COURIER, name="寄递服务"),
        citizen=_user("citizen", role=Role.CITIZEN, name=citizen_name,
                      id_number=citizen_id_number),
        agent=_user("agent", role=Role.AGENT, name="12345 话务员"),
        dispatcher=_user("dispatcher", role=Role.DISPATCHER, name="12345 派单员"),
        reviewers=reviewers,
    )
