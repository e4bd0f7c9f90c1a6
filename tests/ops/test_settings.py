"""Settings come from the environment; production refuses the demo secret."""

from __future__ import annotations

import os
import subprocess
import sys


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "onevisit.settings", **env},
        capture_output=True, text=True, check=False,
    )


def test_production_refuses_the_demo_secret(tmp_path):
    result = _start(ONEVISIT_DEBUG="0", ONEVISIT_DATA_DIR=str(tmp_path))

    assert result.returncode != 0
    assert "ONEVISIT_SECRET_KEY" in result.stderr


def test_production_starts_with_a_secret_of_its_own(tmp_path):
    result = _start(ONEVISIT_DEBUG="0", ONEVISIT_SECRET_KEY="s" * 50,
                    ONEVISIT_DATA_DIR=str(tmp_path))

    assert result.returncode == 0, result.stderr


def test_models_and_migrations_agree(db):
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
