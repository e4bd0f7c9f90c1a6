"""Region codes: the national tables down to county, Zhejiang down to township."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from onevisit.accounts.models import Department, Region
from onevisit.accounts.services import regions_load

pytestmark = pytest.mark.django_db


def test_regions_load_is_idempotent_and_reaches_townships():
    first = regions_load()
    second = regions_load()

    assert first == second == Region.objects.count()
    linping = Region.objects.get(code="330113")
    assert (linping.name, linping.parent.code, linping.parent.parent.code) == (
        "临平区", "3301", "33",
    )
    assert Region.objects.get(code="330114").name == "钱塘区"
    assert Region.objects.filter(level="township", parent_id="330106").count() >= 10
    assert Region.objects.filter(level="province").count() == 31
    assert not Region.objects.filter(level="township").exclude(code__startswith="33").exists()


def test_a_new_instance_is_told_how_to_load_the_regions_then_they_serve(tmp_path):
    letters = tmp_path / "letters.csv"
    bureaus = ("嘉兴市南湖区住建局", "嘉兴市南湖区城管局")
    letters.write_text("工单标题,诉求内容,承办单位\n" + "".join(
        f"第{index}件,小区门口第{index}盏路灯不亮,{bureaus[index % 2]}\n"
        for index in range(30)), encoding="utf-8")
    hint = "this instance has no regions yet: `onevisit regions load`"

    with pytest.raises(CommandError, match=re.escape(hint)):
        call_command("platforms", "330402007", stdout=io.StringIO())
    with pytest.raises(CommandError, match=re.escape(hint)):
        call_command("hotline", "train", str(letters), "--create-departments",
                     "--region", "330402", stdout=io.StringIO())
    assert not Department.objects.exists()

    out = io.StringIO()
    call_command("regions", "load", stdout=out)
    again = io.StringIO()
    call_command("regions", "load", stdout=again)
    call_command("platforms", "330402007", stdout=io.StringIO())

    count = Region.objects.count()
    assert f"{count} bundled regions: {count} added, 0 already there" in out.getvalue()
    assert f"{count} bundled regions: 0 added, {count} already there" in again.getvalue()
    assert Department.objects.filter(region_id="330402007").count() == 4
    # With regions, an unknown code is refused without the hint.
    with pytest.raises(CommandError) as refused:
        call_command("platforms", "339999001", stdout=io.StringIO())
    assert "regions load" not in str(refused.value)
