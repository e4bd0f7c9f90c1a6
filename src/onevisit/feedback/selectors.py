from __future__ import annotations

from onevisit.applications.models import Application
from onevisit.feedback.models import Rating


def rating_of(*, application: Application) -> Rating | None:
    return Rating.objects.filter(application=application).first()
