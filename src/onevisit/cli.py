"""The `onevisit` command: Django's management commands under the project's own name.

`onevisit demo`, `onevisit simulate --days 5`, `onevisit bench intake`,
`onevisit audit verify`, and every Django command (`onevisit migrate`, …).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onevisit.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["onevisit", *args])


if __name__ == "__main__":
    main()
