"""Every string the project marks for translation has its English text."""

from __future__ import annotations

import re
from pathlib import Path

import onevisit

PO = Path(onevisit.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(r'^msgid ((?:"(?:[^"\\]|\\.)*"\n)+)msgstr ((?:"(?:[^"\\]|\\.)*"\n)+)', re.M)


def _text(lines: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', lines))


def test_every_marked_string_has_an_english_translation():
    entries = [(_text(msgid), _text(msgstr)) for msgid, msgstr in ENTRY.findall(
        PO.read_text(encoding="utf-8"))]
    untranslated = [msgid for msgid, msgstr in entries if msgid and not msgstr]

    assert len(entries) > 250
    assert untranslated == []
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")
