"""Idempotency-Key for writes (DESIGN.md §8): a retried submission never files twice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status

from onevisit.api.models import IdempotencyRecord
from onevisit.errors import Conflict, InvalidInput
from onevisit.files.services import files_guard

Handler = Callable[[], tuple[int, Any]]


def run_idempotent(request: HttpRequest, *, endpoint: str, payload: Any,
                   handler: Handler, prepare: Callable[[], None] | None = None) -> Status[Any]:
    """Run `handler` once per (user, Idempotency-Key); repeats get the first answer.

    The record is written in the same transaction as the change, so a crash leaves
    neither; a concurrent duplicate hits the unique key, rolls back, and returns the
    answer of the request that won. `prepare` runs first, outside that transaction (checks
    and slow reads whose traces must stay even when the change is refused), but not for
    a repeat that is answered from the record."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        if prepare is not None:
            prepare()
        return Status(*handler())
    if len(key) > 128:
        raise InvalidInput(_("Idempotency-Key 过长"), {"Idempotency-Key": _("最多128个字符")})
    user = request.auth  # type: ignore[attr-defined]
    digest = hashlib.sha256(
        json.dumps([endpoint, payload], sort_keys=True, default=str).encode()
    ).hexdigest()

    def replay() -> tuple[int, Any] | None:
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is None:
            return None
        if record.request_hash != digest:
            raise Conflict(_("该 Idempotency-Key 已用于另一个不同的请求"))
        return record.status_code, record.response

    earlier = replay()
    if earlier is not None:
        return Status(*earlier)
    if prepare is not None:
        prepare()
    try:
        # A loser of the race rolls back its files with its rows, at once.
        with files_guard(), transaction.atomic():
            status, body = handler()
            IdempotencyRecord.objects.create(
                user=user, key=key, endpoint=endpoint, request_hash=digest,
                status_code=status, response=json.loads(json.dumps(body, default=str)),
            )
    except IntegrityError:
        earlier = replay()
        if earlier is None:
            raise
        return Status(*earlier)
    return Status(status, body)
