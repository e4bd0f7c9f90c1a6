"""Settings come from the environment: DEBUG off unless turned on, production refuses the
demo secrets, SQLite gets the same settings however it is named."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SHOW = ("import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({'debug': settings.DEBUG, 'db': settings.DATABASES['default']}, "
        "default=str))")
SECRETS = {"ONEVISIT_SECRET_KEY": "s" * 50, "ONEVISIT_DIGEST_KEY": "d" * 50}


def _start(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    """A process with only these onevisit variables (not the test suite's)."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ONEVISIT_") and k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        env={**clean, "DJANGO_SETTINGS_MODULE": "onevisit.settings",
             "ONEVISIT_DATA_DIR": str(tmp_path), **env},
        capture_output=True, text=True, check=False, timeout=120,
    )


@pytest.mark.parametrize("missing", ["ONEVISIT_SECRET_KEY", "ONEVISIT_DIGEST_KEY"])
def test_production_refuses_the_demo_secrets(tmp_path, missing):
    result = _start(tmp_path, **{k: v for k, v in SECRETS.items() if k != missing})

    assert result.returncode != 0
    assert f"{missing} is the demo default" in result.stderr


def test_production_starts_with_secrets_of_its_own_and_debug_is_off_unless_asked(tmp_path):
    production = _start(tmp_path, **SECRETS)
    demo = _start(tmp_path, ONEVISIT_DEBUG="1")

    assert production.returncode == 0, production.stderr
    assert json.loads(production.stdout)["debug"] is False
    assert json.loads(demo.stdout)["debug"] is True


def test_sqlite_named_by_url_gets_the_default_sqlite_settings(tmp_path):
    default = json.loads(_start(tmp_path, ONEVISIT_DEBUG="1").stdout)["db"]
    by_url = json.loads(_start(tmp_path, ONEVISIT_DEBUG="1",
                               DATABASE_URL=f"sqlite:///{tmp_path / 'onevisit.sqlite3'}")
                        .stdout)["db"]

    assert by_url["OPTIONS"] == default["OPTIONS"] == {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE", "timeout": 20,
    }
    assert by_url["NAME"] == default["NAME"]
    assert by_url.get("CONN_MAX_AGE", 0) == default.get("CONN_MAX_AGE", 0) == 0


def test_models_and_migrations_agree(db):
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _scheduler_check(tmp_path, schedule: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ONEVISIT_") and k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "onevisit.cli", "scheduler", "--check"],
        env={**clean, "ONEVISIT_DATA_DIR": str(tmp_path), "ONEVISIT_SCHEDULE": schedule,
             **SECRETS},
        capture_output=True, text=True, check=False, timeout=120,
    )


def test_the_schedule_variable_sets_periods_by_name(tmp_path):
    result = _scheduler_check(tmp_path, "deadline_scan=5m, dispatch_learn=off")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "deadline_scan          every 5m    onevisit.workflow.tasks.deadline_scan_task" in lines
    assert "rollups                every 10m   onevisit.metrics.tasks.rollups_refresh_task" in lines
    assert lines[-1] == "off: dispatch_learn"


@pytest.mark.parametrize(("schedule", "message"), [
    ("rollups=5x", "periodic job 'rollups': '5x' is not a period"),
    ("rollup=5m", "ONEVISIT_SCHEDULE: there is no periodic job 'rollup'; the jobs are "
                  "deadline_scan, rollups,"),
    ("rollups", "ONEVISIT_SCHEDULE: 'rollups' is not of the form code=value"),
])
def test_a_bad_schedule_variable_stops_the_scheduler_with_the_fix(tmp_path, schedule, message):
    result = _scheduler_check(tmp_path, schedule)

    assert result.returncode != 0
    assert message in result.stderr


def test_demo_mode_runs_the_jobs_at_the_demo_periods(tmp_path):
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ONEVISIT_") and k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "onevisit.cli", "scheduler", "--check"],
        env={**clean, "ONEVISIT_DATA_DIR": str(tmp_path), "ONEVISIT_DEBUG": "1"},
        capture_output=True, text=True, check=False, timeout=120,
    )

    assert result.returncode == 0, result.stderr
    periods = dict(line.split()[0:3:2] for line in result.stdout.splitlines())
    assert periods == {"deadline_scan": "1m", "rollups": "2m", "appointments_missed": "5m",
                       "dispatch_learn": "30m", "archive_pending": "5m", "crl_publish": "30m",
                       "files_sweep": "15m", "audit_checkpoint": "10m", "audit_verify": "1h",
                       "archive_verify": "1d", "runs_prune": "1d", "tolerated_overdue": "5m",
                       "tolerated_reminders": "5m", "follow_ups_due": "2m",
                       "supervision_rules": "2m", "notifications_retry": "1m",
                       "inspection_targets": "1h", "inspection_rectifications": "5m",
                       "rectifications_due": "5m", "paygate_notify": "30s",
                       "payments_query": "1m", "refunds_retry": "2m", "reconcile": "1h"}


def test_the_several_machines_environment_of_docs_deploy_passes_the_deploy_checks(tmp_path):
    # Not the test session's own settings (the browser tests allow async-unsafe calls).
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("ONEVISIT_", "DJANGO_")) and k != "DATABASE_URL"}
    deploy = {**SECRETS, "ONEVISIT_SECRET_KEY": "k3Yq9-" * 10, "ONEVISIT_DATA_DIR": str(tmp_path),
              "ONEVISIT_ALLOWED_HOSTS": "zwfw.example.gov.cn", "ONEVISIT_HTTPS_ONLY": "1",
              "ONEVISIT_REDIS_URL": "redis://127.0.0.1:6379/0",
              "ONEVISIT_TASK_QUEUE_URL": "redis://127.0.0.1:6379/1",
              "ONEVISIT_S3_BUCKET": "onevisit", "ONEVISIT_S3_AUDIT_BUCKET": "onevisit-audit",
              "ONEVISIT_S3_ENDPOINT_URL": "https://oss.example.gov.cn",
              "ONEVISIT_REPLICA_URL": "postgres://onevisit@127.0.0.1:5433/onevisit",
              "DATABASE_URL": "postgres://onevisit@127.0.0.1:5432/onevisit"}

    checked = subprocess.run(
        [sys.executable, "-m", "onevisit.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, **deploy}, capture_output=True, text=True, check=False, timeout=120)
    refused = subprocess.run(
        [sys.executable, "-m", "onevisit.cli", "check"],
        env={**clean, **deploy, "ONEVISIT_TASK_QUEUE_URL": "amqp://127.0.0.1:5672/"},
        capture_output=True, text=True, check=False, timeout=120)

    assert checked.returncode == 0, checked.stderr
    assert "no issues" in checked.stdout
    assert refused.returncode != 0
    assert "ONEVISIT_TASK_QUEUE_URL: only a Redis URL" in refused.stderr
    on_sqlite = subprocess.run(
        [sys.executable, "-m", "onevisit.cli", "check"],
        env={**clean, **deploy, "DATABASE_URL": ""}, capture_output=True, text=True,
        check=False, timeout=120)
    assert on_sqlite.returncode != 0
    assert "ONEVISIT_REPLICA_URL: a replica is a PostgreSQL streaming replica" in on_sqlite.stderr
