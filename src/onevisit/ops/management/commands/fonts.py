from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onevisit.pdf import cjk_font, compact_font_build, compact_font_path


class Command(BaseCommand):
    help = (
        "`onevisit fonts build`: cut the CJK font down to GB 2312's characters once (about "
        "20 seconds), so that certificates render faster and their PDFs are smaller; "
        "characters outside it still print, from the full font. Kept under "
        "ONEVISIT_DATA_DIR/cache/fonts/, rebuilt when the font changes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["build"])

    def handle(self, *args: Any, **options: Any) -> None:
        existed = compact_font_path().is_file()
        path = compact_font_build()
        font = cjk_font()
        state = "already built" if existed else "built"
        self.stdout.write(f"compact cut of {font.family} {state}: {path} "
                          f"({path.stat().st_size / 1024 / 1024:.1f} MiB)")
