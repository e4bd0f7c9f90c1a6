"""Fixtures for search: the demo catalogue of 西湖区 (as published, hence indexed)."""

from __future__ import annotations

import pytest

from onevisit.demo.catalogue import demo_catalogue_load


@pytest.fixture
def demo(db: None) -> None:
    demo_catalogue_load()
