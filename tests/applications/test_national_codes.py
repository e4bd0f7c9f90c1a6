"""An item coded in the national pattern (基本编码 + 实施编码, up to 64 characters) is filed
like any other: its uploads are keyed by its full code."""

from __future__ import annotations

import pytest

from onevisit.applications.models import ApplicationMaterial
from onevisit.catalogue.models import FieldDef
from onevisit.catalogue.services import item_publish
from tests.conftest import PDF, b64
from tests.factories import ItemFieldFactory, MaterialFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db

CODE = "511A0138000000-330106000000-000-115113010833722043-1-00"
MATERIAL = "construction-drawings-and-specifications-review-certificate"


def test_an_upload_to_a_nationally_coded_item_is_kept_under_its_full_key(world, api):
    item = ServiceItemFactory(code=CODE, name="适龄儿童延缓入学审批", department=world.housing)
    ItemFieldFactory(item=item, field=FieldDef.objects.get(key="applicant_id_number"))
    MaterialFactory(item=item, code=MATERIAL, name="施工图设计文件审查合格书")
    item_publish(item=item, actor=None)
    key = f"upload:{CODE}:{MATERIAL}"

    response = api["citizen"].post("/applications", {
        "item_code": CODE,
        "applicant": {"kind": "person", "name": "王小明", "id_number": world.citizen_id},
        "data": {"applicant_id_number": world.citizen_id},
        "materials": [{"key": key, "content_base64": b64(PDF)}],
        "consent_to_fetch": True,
    })

    assert response.status_code == 201, response.json()
    assert list(ApplicationMaterial.objects.values_list("key", flat=True)) == [key]
