"""HTML → PDF with an embedded CJK font (WeasyPrint).

The font comes from the operating system's packages (Debian's `fonts-noto-cjk`) or the
path in ONEVISIT_CJK_FONT; it is never committed. Without one, start-up fails with a clear
message instead of printing boxes where characters should be.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import shutil
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation

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


class _Engine(threading.local):
    """WeasyPrint's font configuration and parsed style sheets, kept per thread (Pango is
    not thread-safe): building them costs more than laying out a one-page document."""

    def __init__(self) -> None:
        self.fonts: Any = None
        self.stylesheets: dict[str, Any] = {}


_engine = _Engine()


@atexit.register
def _engine_release() -> None:
    # Release WeasyPrint's objects while the modules their destructors need still exist.
    _engine.fonts = None
    _engine.stylesheets.clear()


def _font_config() -> Any:
    if _engine.fonts is None:
        from weasyprint.text.fonts import FontConfiguration

        _engine.fonts = FontConfiguration()
    return _engine.fonts


def _stylesheet(template_name: str) -> Any:
    """A style sheet template, rendered, parsed and its selectors compiled once."""
    sheet = _engine.stylesheets.get(template_name)
    if sheet is None:
        from weasyprint import CSS

        sheet = CSS(string=render_to_string(template_name), font_config=_font_config())
        _engine.stylesheets[template_name] = sheet
    return sheet


def _compact_font_sheet(path: Path) -> Any:
    sheet = _engine.stylesheets.get(str(path))
    if sheet is None:
        from weasyprint import CSS

        family = cjk_font().family if not cjk_font().from_setting else "onevisit-cjk"
        sheet = CSS(string=(
            f'@font-face {{ font-family: "{COMPACT_FAMILY}"; src: url("{path.as_uri()}"); }}\n'
            f'body {{ font-family: "{COMPACT_FAMILY}", "{family}", sans-serif !important; }}'
        ), font_config=_font_config())
        _engine.stylesheets[str(path)] = sheet
    return sheet


def render_pdf(template_name: str, context: dict[str, Any], *,
               stylesheets: Sequence[str] = (), compact_font: bool = False) -> bytes:
    """The template as a PDF, with the CJK font embedded. `stylesheets` are templates of
    static CSS, parsed once per thread instead of once per document. `compact_font`: set
    the text in the compact cut of the CJK font when it was built (`onevisit fonts
    build`; for documents in one font weight), any other character in the full font."""
    from weasyprint import HTML

    sheets = [_stylesheet(name) for name in stylesheets]
    if compact_font and (compact := compact_font_path()).is_file():
        sheets.append(_compact_font_sheet(compact))
    # A document of record speaks the site's language, whoever's request renders it first.
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, {**context, "font_css": font_css()})
    result: bytes = HTML(string=html, base_url=str(Path(__file__).parent)).write_pdf(
        stylesheets=sheets, font_config=_font_config()
    )
    return result


# --------------------------------------------------------------------------- compact font

COMPACT_FAMILY = "onevisit CJK compact"
_COMPACT_VERSION = 2
# Beyond GB 2312 (6,763 hanzi, its punctuation, full-width forms): marks printed often.
_COMPACT_EXTRA = "·—–…‘’“”×÷±№℃★☆©®™€¥"


@lru_cache(maxsize=1)
def _regular_face() -> tuple[Path, int]:
    """The file and face index of the CJK font's regular weight."""
    font = cjk_font()
    fc_match = shutil.which("fc-match")
    if font.from_setting or fc_match is None:
        return font.path, 0
    found = subprocess.run(  # noqa: S603 - fixed arguments, the family from fontconfig
        [fc_match, "-f", "%{file}|%{index}", f"{font.family}:style=Regular"],
        capture_output=True, text=True, check=False, timeout=30,
    ).stdout
    path, _, index = found.partition("|")
    if not path or not index.isdigit():
        return font.path, 0
    return Path(path), int(index)


def compact_font_path() -> Path:
    """Where the compact cut of the current CJK font is (or would be) kept."""
    path, index = _regular_face()
    stat = path.stat()
    key = f"{_COMPACT_VERSION}:{path}:{index}:{stat.st_size}:{stat.st_mtime_ns}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return Path(settings.DATA_DIR) / "cache" / "fonts" / f"onevisit-cjk-compact-{digest}.otf"


def _compact_characters() -> set[int]:
    characters = set(range(0x20, 0x7F)) | {ord(c) for c in _COMPACT_EXTRA}
    for codepoint in range(0xA0, 0x10000):
        try:
            chr(codepoint).encode("gb2312")
        except UnicodeEncodeError:
            continue
        characters.add(codepoint)
    return characters


def compact_font_build() -> Path:
    """Cut the CJK font down to GB 2312's characters and ASCII (about 7,500 glyphs of the
    65,000 in Noto Sans CJK), once; takes about 20 seconds.

    WeasyPrint embeds a subset of the font in each PDF but keeps the glyph numbering, so
    its work and the PDF's size grow with the highest glyph number used: in the compact
    cut the common characters number below 7,600. Characters outside it still print, from
    the full font, which stays second in the font list."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    target = compact_font_path()
    if target.is_file():
        return target
    path, index = _regular_face()
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # it lists every glyph
    source = TTFont(str(path), fontNumber=index)
    options = subset.Options()
    # Kerning only: the glyph substitutions would pull in some 6,000 alternate forms
    # (other regions' shapes, vertical forms) a Simplified Chinese document never uses.
    options.layout_features = ["kern"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_compact_characters())
    subsetter.subset(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    source.save(str(partial))
    partial.replace(target)
    return target
