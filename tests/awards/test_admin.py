"""The award's records in the admin site: listed, never changed there."""

from __future__ import annotations

import pytest

from tests.awards.conftest import Awards
from tests.factories import UserFactory

MODELS = ("awardcall", "awardcase", "expert", "declaredconflict", "reviewdraw", "sitevisit",
          "panelvote", "award", "notice")


@pytest.mark.parametrize("model", MODELS)
def test_listed_read_only(awards: Awards, client, model):
    call = awards.open_call()
    awards.drawn(call, 3)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(f"/admin/awards/{model}/").status_code == 200
    assert client.get(f"/admin/awards/{model}/add/").status_code == 403
