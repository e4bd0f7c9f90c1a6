"""Reading the portal's pages in tests: a page's HTML (it must answer 200) and its text."""

from __future__ import annotations

import re

from django.test import Client


def page_get(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def page_text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
