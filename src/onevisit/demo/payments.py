"""The demo's payments: nothing is seeded (the applicant's own 二手房 filing opens its order
when she pays). What the demo needs is the reference gateway's signing key in place before
the first notification, and to say where to pay and what to watch."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.urls import reverse

from onevisit.payments.providers import provider_default
from onevisit.payments.reference.keys import KEY_FILE, key


def demo_payments_load() -> dict[str, str]:
    """Make the reference gateway's key (ONEVISIT_KEY_DIR/paygate-reference.key) if it is
    missing and return the addresses the demo prints: where notifications are sent (from
    ONEVISIT_PUBLIC_URL: the scheduler's `paygate_notify` job must reach it, so the demo's
    web server must listen there) and the supervisor's payments page."""
    key()
    provider = provider_default()
    base = str(settings.ONEVISIT["PUBLIC_URL"])
    return {
        "provider": provider.code,
        "key_file": str(Path(str(settings.ONEVISIT["KEY_DIR"])) / KEY_FILE),
        "notify_url": base + reverse("web:payments_notify", kwargs={"provider": provider.code}),
        "dashboard": base + reverse("web:dashboard_payments"),
    }
