"""One place that reads the environment; every variable is documented here.

`onevisit env` prints this table, so operators see what they can set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    help: str


VARIABLES: dict[str, Variable] = {}


def _declare(name: str, default: str, help: str) -> Variable:
    variable = Variable(name=name, default=default, help=help)
    VARIABLES[name] = variable
    return variable


DEBUG = _declare("ONEVISIT_DEBUG", "1", "1 for the development/demo mode, 0 in production.")
SECRET_KEY = _declare(
    "ONEVISIT_SECRET_KEY",
    "insecure-demo-key-change-me",
    "Django secret key. Production refuses to start with the default.",
)
DATABASE_URL = _declare(
    "DATABASE_URL",
    "",
    "Database URL (postgres://user@host/db). Empty: embedded SQLite file in ONEVISIT_DATA_DIR.",
)
DATA_DIR = _declare(
    "ONEVISIT_DATA_DIR", "var", "Directory for the SQLite database, generated PDFs and uploads."
)
ALLOWED_HOSTS = _declare(
    "ONEVISIT_ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names served."
)
CJK_FONT = _declare(
    "ONEVISIT_CJK_FONT",
    "",
    "Path of the CJK font for PDFs. Empty: looked up with fontconfig (Noto Sans CJK SC).",
)
LOG_LEVEL = _declare("ONEVISIT_LOG_LEVEL", "INFO", "Log level (DEBUG, INFO, WARNING).")


def get(variable: Variable) -> str:
    return os.environ.get(variable.name, variable.default)


def get_bool(variable: Variable) -> bool:
    return get(variable).strip().lower() in {"1", "true", "yes", "on"}


def get_list(variable: Variable) -> list[str]:
    return [part.strip() for part in get(variable).split(",") if part.strip()]
