"""What every page's header shows a signed-in citizen: how many things wait for her
(需要您办理) and her unread messages."""

from __future__ import annotations

from django.http import HttpRequest

from onevisit.accounts.models import Role
from onevisit.applications.selectors import (
    applications_visible_to,
    applications_waiting_for_applicant,
)
from onevisit.delivery.selectors import results_waiting_for_applicant
from onevisit.notifications.selectors import messages_unread_count


def waiting_for(user: object) -> dict[str, str]:
    """The citizen's applications waiting for her: number → what she has to do."""
    waiting = results_waiting_for_applicant(applications=applications_visible_to(user=user))
    return {**waiting, **applications_waiting_for_applicant(user=user)}


def citizen_counts(request: HttpRequest) -> dict[str, int]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if getattr(user, "role", "") != Role.CITIZEN:
        # Staff are told of the programmes' events (特色小镇 results, award reviews).
        return {"unread_count": messages_unread_count(user=user)}
    return {"waiting_count": len(waiting_for(user)),
            "unread_count": messages_unread_count(user=user)}
