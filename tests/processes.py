"""The environment of an onevisit process a test starts (a worker, a scheduler, a web
server, a one-off script): this one's, without the test suite's own settings, plus the
settings the test names."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def process_env(**settings: str) -> dict[str, str]:
    """`settings`: ONEVISIT_… variables, DATABASE_URL and the like; onevisit's own settings
    module and this checkout's code otherwise."""
    clean = {key: value for key, value in os.environ.items()
             if not key.startswith("ONEVISIT_")
             and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    return {**clean, "DJANGO_SETTINGS_MODULE": "onevisit.settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "PYTHONUNBUFFERED": "1", **settings}
