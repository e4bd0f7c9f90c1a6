"""The environment of an onevisit process a test starts (a worker, a scheduler, a web
server, a one-off script): this one's, without the test suite's own settings, plus the
settings the test names."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
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


# A migrated, empty SQLite database CI makes beside the suite (`.ci/run`); unnamed, the
# session makes its own (`sqlite_schema`).
SCHEMA_ENV = "ONEVISIT_TEST_SQLITE_SCHEMA"
ONEVISIT = [sys.executable, "-m", "onevisit.cli"]


def sqlite_schema_make(data_dir: Path) -> Path:
    """Migrate a new SQLite database in `data_dir`, its write-ahead log folded in, so the
    one file can be copied."""
    subprocess.run([*ONEVISIT, "migrate", "-v", "0"], check=True, timeout=600,
                   capture_output=True, env=process_env(
                       ONEVISIT_DATA_DIR=str(data_dir), ONEVISIT_DEBUG="1"))
    database = data_dir / "onevisit.sqlite3"
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return database


def sqlite_database_from(schema: Path, *, env: dict[str, str]) -> None:
    """The database of the process environment `env` (its data directory's), copied from a
    migrated schema; `migrate` then applies whatever the copy lacks (nothing, normally)."""
    shutil.copyfile(schema, Path(env["ONEVISIT_DATA_DIR"]) / "onevisit.sqlite3")
    subprocess.run([*ONEVISIT, "migrate", "-v", "0"], env=env, check=True, timeout=600,
                   capture_output=True)
