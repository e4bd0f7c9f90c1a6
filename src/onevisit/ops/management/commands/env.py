from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand

from onevisit.env import VARIABLES


class Command(BaseCommand):
    help = "List the environment variables onevisit reads, their defaults and current values."

    def handle(self, *args: Any, **options: Any) -> None:
        for variable in VARIABLES.values():
            current = os.environ.get(variable.name)
            shown = "(secret set)" if current and "SECRET" in variable.name else current
            self.stdout.write(f"{variable.name}\n    {variable.help}\n"
                              f"    default: {variable.default!r}; now: {shown or 'default'}")
