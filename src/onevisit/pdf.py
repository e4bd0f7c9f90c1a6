"""HTML → PDF with an embedded CJK font (WeasyPrint).

The font comes from the operating system's packages (Debian's `fonts-noto-cjk`) or the
path in ONEVISIT_CJK_FONT; it is never committed. Without one, start-up fails with a clear
message instead of printing boxes where characters should be.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string

PREFERRED_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei")
INSTALL_HINT = (
    "install a CJK font (Debian: apt-get install fonts-noto-cjk) "
    "or set ONEVISIT_CJK_FONT to the path of one"
)


@dataclass(frozen=True)
class CjkFont:
    family: str
    path: Path
    from_setting: bool


@lru_cache(maxsize=1)
def cjk_font() -> CjkFont:
    configured = str(settings.ONEVISIT["CJK_FONT"])
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise ImproperlyConfigured(f"ONEVISIT_CJK_FONT={configured} is not a file; "
                                       + INSTALL_HINT)
        return CjkFont(family="onevisit-cjk", path=path, from_setting=True)
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise ImproperlyConfigured("fontconfig (fc-list) is missing, so no CJK font for PDFs; "
                                   + INSTALL_HINT)
    listing = subprocess.run(  # noqa: S603 - fixed arguments, no user input
        [fc_list, ":lang=zh-cn", "family", "file"],
        capture_output=True, text=True, check=False, timeout=30,
    ).stdout
    fonts: dict[str, Path] = {}
    for line in listing.splitlines():
        file_part, _, families = line.partition(": ")
        for family in families.split(","):
            fonts.setdefault(family.strip(), Path(file_part.strip()))
    for family in PREFERRED_FAMILIES:
        if family in fonts:
            return CjkFont(family=family, path=fonts[family], from_setting=False)
    if fonts:
        family, path = sorted(fonts.items())[0]
        return CjkFont(family=family, path=path, from_setting=False)
    raise ImproperlyConfigured("no font covering Chinese was found for PDFs; " + INSTALL_HINT)


def font_css() -> str:
    font = cjk_font()
    face = (
        f'@font-face {{ font-family: "{font.family}"; src: url("{font.path.as_uri()}"); }}\n'
        if font.from_setting else ""
    )
    return face + f'body {{ font-family: "{font.family}", sans-serif; }}'


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template_name, {**context, "font_css": font_css()})
    result: bytes = HTML(string=html, base_url=str(Path(__file__).parent)).write_pdf()
    return result
