"""The scene of tests/catalogue/scene.py as fixtures."""

from __future__ import annotations

import pytest

from tests.catalogue.scene import Province, implementations_compare, province_make


@pytest.fixture
def province(db: None) -> Province:
    return province_make()


@pytest.fixture
def compared(province: Province) -> Province:
    return implementations_compare(province)
