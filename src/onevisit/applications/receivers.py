"""What applications tells the apps above it: anomalies for electronic supervision
(电子监察), and closed applications for the archive.

Supervision and the archive sit above applications (they read applications and cases),
so applications does not import them: each registers its receiver when Django starts
(its `AppConfig.ready`), and applications calls it inside the reporting service's
transaction, so a failing receiver rolls the service back; a receiver that has work to
do after the commit starts it with `transaction.on_commit`. A report nobody receives is
an error, never silently dropped (docs/adr/0009-layers-of-apps.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from onevisit.applications.models import Application


class AnomalyKind(models.TextChoices):
    # Values shared with supervision's alert kinds.
    VISITS_EXCEEDED = "visits_exceeded"
    CALENDAR_NOT_COVERED = "calendar_not_covered"


@dataclass(frozen=True)
class Anomaly:
    kind: AnomalyKind
    application_number: str
    message: str
    # What the anomaly rests on, for the alert's evidence (e.g. each trip and its cause).
    evidence: dict[str, Any] = field(default_factory=dict)


AnomalyReceiver = Callable[[Anomaly], None]


class ClosedReceiver(Protocol):
    def __call__(self, *, application: Application) -> None: ...


_anomaly_receivers: list[AnomalyReceiver] = []
_closed_receivers: list[ClosedReceiver] = []


def anomaly_receiver_register(receiver: AnomalyReceiver) -> None:
    """Supervision's receiver; registering it again (a reloaded app) keeps one."""
    if receiver not in _anomaly_receivers:
        _anomaly_receivers.append(receiver)


def closed_receiver_register(receiver: ClosedReceiver) -> None:
    """The archive's receiver of applications that completed or were refused."""
    if receiver not in _closed_receivers:
        _closed_receivers.append(receiver)


def anomaly_report(*, kind: AnomalyKind, application_number: str, message: str,
                   evidence: dict[str, Any] | None = None) -> None:
    if not _anomaly_receivers:
        raise ImproperlyConfigured("no receiver of intake anomalies: is supervision installed?")
    anomaly = Anomaly(kind=kind, application_number=application_number, message=message,
                      evidence=evidence or {})
    for receiver in _anomaly_receivers:
        receiver(anomaly)


def closed_report(*, application: Application) -> None:
    if not _closed_receivers:
        raise ImproperlyConfigured("no receiver of closed applications: is archive installed?")
    for receiver in _closed_receivers:
        receiver(application=application)
