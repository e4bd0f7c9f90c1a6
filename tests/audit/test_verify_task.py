"""The audit chain's periodic check: a whole log passes, a tampered one fails the run
(so the scheduler retries, then reports it) with each problem named."""

from __future__ import annotations

import pytest

from onevisit.audit.tasks import AuditChainBroken, audit_verify_task
from tests.adversarial.test_audit_tampering import as_superuser, log  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_a_whole_log_passes_and_a_changed_row_fails_the_run(log):  # noqa: F811
    assert audit_verify_task.call() == {"problems": 0, "rows": 6, "chains": 1}

    as_superuser("UPDATE audit_auditevent SET data = '{\"number\": 99}' WHERE seq = 3")

    with pytest.raises(AuditChainBroken, match="1 problems: chain 1 row 3: content does not match"):
        audit_verify_task.call()
