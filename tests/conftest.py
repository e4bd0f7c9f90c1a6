"""Shared fixtures: a small catalogue with the 二手房 life event, staff of three
departments, and an API client that speaks with a bearer token."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import redis
from django.core.cache import cache
from django.test import Client

from onevisit import clock, topology
from onevisit.accounts.models import Department, Region, RegionLevel, User
from onevisit.accounts.services import api_token_create
from onevisit.catalogue.constants import FieldType
from onevisit.catalogue.models import ServiceItem
from onevisit.catalogue.services import item_publish
from onevisit.certificates.seals import seals_ensure
from onevisit.exchange.services import registry_record_put
from onevisit.hotline.dispatch import dispatch_cache_clear
from onevisit.lifeevents.models import LifeEvent
from onevisit.lifeevents.services import life_event_define
from tests.audit.tamper import audit_log_empty
from tests.factories import (
    DepartmentFactory,
    EvidenceTypeFactory,
    FieldDefFactory,
    ItemFieldFactory,
    MaterialFactory,
    ServiceItemFactory,
    UserFactory,
    resident_id,
)
from tests.files.builders import image, pdf
from tests.ops.waiting import wait_for
from tests.processes import SCHEMA_ENV, sqlite_schema_make

# Small real files: intake opens them (pixels from the header, PDF streams) before storing.
PDF = pdf()
PNG = image("PNG")


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


class Api:
    """A JSON client acting as one user."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.token = api_token_create(user=user, name="test")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}")

    def post(self, path: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.post(
            f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json",
            headers=headers,
        )

    def decide(self, case_id: Any, action: str = "approve", body: dict[str, Any] | None = None,
               **headers: str) -> Any:
        """A reviewer's decision as she makes it: claim the case (unless she holds it
        already), then decide (`approve`, `reject` or `corrections`)."""
        self.post(f"/cases/{case_id}/claim")
        return self.post(f"/cases/{case_id}/{action}", body, **headers)


@dataclass
class World:
    housing: Department
    tax: Department
    registry: Department
    filing: ServiceItem
    tax_item: ServiceItem
    transfer: ServiceItem
    licence: ServiceItem
    house: LifeEvent
    citizen: User
    clerk: User
    supervisor: User
    courier: User
    reviewers: dict[str, User]
    citizen_id: str

    def reviewer(self, department: Department) -> User:
        return self.reviewers[department.code]

    def licence_payload(self) -> dict[str, Any]:
        """A filing of the single working-day item, 建筑工程施工许可."""
        return {
            "item_code": self.licence.code,
            "applicant": {"kind": "person", "name": "王小明", "id_number": self.citizen_id},
            "data": {"applicant_id_number": self.citizen_id, "phone": "13812345678"},
            "materials": [{"key": "upload:330106-ZJ-009:drawings", "content_base64": b64(PDF)}],
            "consent_to_fetch": True,
        }

    def house_payload(self, **overrides: Any) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "life_event_code": "house",
            "applicant": {"kind": "person", "name": "王小明", "id_number": self.citizen_id},
            "data": {
                "applicant_id_number": self.citizen_id, "phone": "13812345678",
                "price": "1850000", "contract_date": "2026-11-20", "property_use": "住宅",
            },
            "materials": [
                {"key": "upload:330106-FW-001:sales-contract", "filename": "合同.pdf",
                 "content_base64": b64(PDF)},
                {"key": "upload:330106-BDC-001:application-form", "filename": "申请书.pdf",
                 "content_base64": b64(PDF)},
                {"key": "upload:330106-SW-001:tax-form", "filename": "申报表.png",
                 "content_base64": b64(PNG)},
            ],
            "delivery": {"method": "courier", "recipient": "王小明", "phone": "13812345678",
                         "address": "杭州市西湖区文三路 100 号 1 幢 101 室"},
            "consent_to_fetch": True,
        }
        payload.update(overrides)
        return payload


@pytest.fixture
def world(db: None) -> World:
    province = Region.objects.create(code="33", name="浙江省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="3301", name="杭州市", level=RegionLevel.CITY,
                                 parent=province)
    Region.objects.create(code="330106", name="西湖区", level=RegionLevel.COUNTY, parent=city)
    housing = DepartmentFactory(code="xh-zjj", name="西湖区住房和城乡建设局")
    tax = DepartmentFactory(code="xh-sw", name="国家税务总局杭州市西湖区税务局")
    registry = DepartmentFactory(code="xh-bdc", name="西湖区不动产登记中心")
    applicant_id = FieldDefFactory(key="applicant_id_number", label="申请人身份证号码",
                                   type=FieldType.RESIDENT_ID)
    phone = FieldDefFactory(key="phone", label="联系电话", type=FieldType.PHONE)
    price = FieldDefFactory(key="price", label="成交价格", type=FieldType.MONEY)
    contract_date = FieldDefFactory(key="contract_date", label="合同签订日期",
                                    type=FieldType.DATE)
    use = FieldDefFactory(key="property_use", label="房屋用途", type=FieldType.CHOICE)
    id_card = EvidenceTypeFactory(code="resident-id-card", name="居民身份证",
                                  source="population")
    property_cert = EvidenceTypeFactory(code="property-certificate", name="不动产权证书",
                                        source="property", subject_kind="property")

    filing = ServiceItemFactory(code="330106-FW-001", name="存量房交易合同网签备案",
                                department=housing, minutes=True, committed_limit=15)
    tax_item = ServiceItemFactory(code="330106-SW-001", name="存量房交易税费申报缴纳",
                                  department=tax, minutes=True, committed_limit=15)
    transfer = ServiceItemFactory(code="330106-BDC-001", name="房屋所有权转移登记",
                                  department=registry, minutes=True, committed_limit=20,
                                  result_name="不动产权证书")
    licence = ServiceItemFactory(code="330106-ZJ-009", name="建筑工程施工许可", department=housing,
                                 committed_limit=5, statutory_limit=15, result_name="施工许可证")
    for item, fields in (
        (filing, [applicant_id, phone, price, contract_date]),
        (tax_item, [applicant_id, price]),
        (transfer, [applicant_id, phone]),
        (licence, [applicant_id, phone]),
    ):
        for order, field in enumerate(fields):
            ItemFieldFactory(item=item, field=field, order=order)
    ItemFieldFactory(item=transfer, field=use, choices=["住宅", "商业"], order=9)
    MaterialFactory(item=filing, code="property-certificate", name="不动产权证书",
                    evidence_type=property_cert)
    MaterialFactory(item=filing, code="sales-contract", name="存量房买卖合同", copies=1)
    MaterialFactory(item=tax_item, code="id-card", name="居民身份证", evidence_type=id_card)
    MaterialFactory(item=tax_item, code="tax-form", name="契税纳税申报表",
                    tolerated_missing=True)
    MaterialFactory(item=transfer, code="property-certificate", name="不动产权证书原件",
                    evidence_type=property_cert, original=True)
    MaterialFactory(item=transfer, code="id-card", name="居民身份证", evidence_type=id_card)
    MaterialFactory(item=transfer, code="application-form", name="不动产登记申请书")
    MaterialFactory(item=licence, code="id-card", name="居民身份证", evidence_type=id_card)
    MaterialFactory(item=licence, code="drawings", name="施工图设计文件审查合格书")
    for item in (filing, tax_item, transfer, licence):
        item_publish(item=item, actor=None)
        item.refresh_from_db()
    house = life_event_define(
        code="house", name="二手房交易登记一件事", region_code="330106", committed_limit=50,
        limit_unit="minutes", promised_visits=1, actor=None, keywords="卖房 二手房",
        stages=[
            {"key": "filing", "name": "合同备案", "item_code": filing.code},
            {"key": "tax", "name": "缴税", "item_code": tax_item.code},
            {"key": "transfer", "name": "转移登记", "item_code": transfer.code,
             "depends_on": ["filing", "tax"]},
        ],
    )
    citizen_id = resident_id()
    registry_record_put(source="population", evidence_type="resident-id-card",
                        subject=citizen_id, data={"name": "王小明"})
    registry_record_put(source="property", evidence_type="property-certificate",
                        subject=citizen_id,
                        data={"number": "浙(2019)杭州市不动产权第0123456号"})
    # The seal PKI: results are sealed by their department's seal, never served unsealed.
    seals_ensure(actor=None)
    return World(
        housing=housing, tax=tax, registry=registry, filing=filing, tax_item=tax_item,
        transfer=transfer, licence=licence, house=house,
        citizen=UserFactory(username="citizen", id_number=citizen_id, first_name="王小明"),
        clerk=UserFactory(username="clerk", clerk=True),
        supervisor=UserFactory(username="supervisor", supervisor=True),
        courier=UserFactory(username="courier", courier=True),
        reviewers={
            department.code: UserFactory(username=f"reviewer-{department.code}", reviewer=True,
                                         department=department)
            for department in (housing, tax, registry)
        },
        citizen_id=citizen_id,
    )


@pytest.fixture
def api(world: World) -> dict[str, Api]:
    """API clients by role name; reviewers as 'reviewer:<department code>'."""
    clients = {
        "citizen": Api(world.citizen), "clerk": Api(world.clerk),
        "supervisor": Api(world.supervisor), "courier": Api(world.courier),
    }
    for code, reviewer in world.reviewers.items():
        clients[f"reviewer:{code}"] = Api(reviewer)
    return clients


# Every test runs on the same day: a Tuesday, a working day, inside working hours.
FIXED_START = dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _fixed_clock() -> Any:
    """No test depends on the day it is run: the clock starts at FIXED_START and runs on
    (tests that need another moment use `clock.frozen_at` or `clock.running_from`)."""
    with clock.running_from(FIXED_START):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Tests make many accounts: a cheap hash instead of Argon2's deliberate cost
    (tests/accounts/test_passwords.py checks the real setting)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _cache_fresh() -> None:
    """The cache (the public pages', web.page_cache) is the process's: each test's
    database starts without another test's pages."""
    cache.clear()


@pytest.fixture(autouse=True)
def _dispatch_cache_fresh() -> None:
    """Dispatch keeps the departments and rules it read in the process: each test's
    database starts without another test's."""
    dispatch_cache_clear()


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _archive_dir(settings: Any, tmp_path: Any) -> None:
    settings.ONEVISIT = {**settings.ONEVISIT, "ARCHIVE_DIR": tmp_path / "archive"}


@pytest.fixture(autouse=True)
def _seal_keys(settings: Any, tmp_path: Any) -> None:
    """Each test its own key directory (0700) and published PKI files."""
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    settings.ONEVISIT = {**settings.ONEVISIT, "KEY_DIR": keys, "PKI_DIR": tmp_path / "pki"}


@pytest.fixture(autouse=True)
def _audit_checkpoints(settings: Any, tmp_path: Any) -> None:
    """Each test its own storage for the audit log's signed checkpoints."""
    settings.STORAGES = {**settings.STORAGES, "audit_checkpoints": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "audit-checkpoints")},
    }}


@pytest.fixture(autouse=True)
def _audit_log_flushable(request: pytest.FixtureRequest) -> Any:
    """Django's flush after a transactional test (TRUNCATE on PostgreSQL, DELETE on SQLite)
    meets the audit log's triggers, which refuse to empty a non-empty log. Empty it first,
    with the triggers lifted as only a superuser or the tables' owner can."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        (marker is not None and bool(marker.kwargs.get("transaction")
                                     or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("_django_db_helper")  # set up first, so flushed after this
    yield
    audit_log_empty()


# The Redis the tests of a deployment on several machines use: `.ci/run` names one database
# per suite (the SQLite and PostgreSQL suites run side by side); unnamed, a local Redis.
REDIS_URL = os.environ.get("ONEVISIT_TEST_REDIS_URL", "")


@pytest.fixture
def redis_url() -> str:
    """A real Redis server's URL, its database emptied first. CI names one and must reach
    it; a developer without a Redis running skips these tests."""
    url = REDIS_URL or "redis://127.0.0.1:6379/15"
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError:
        if REDIS_URL:
            raise
        pytest.skip("no Redis on 127.0.0.1:6379 (ONEVISIT_TEST_REDIS_URL names one)")
    client.flushdb()
    client.close()
    return url


# The S3-compatible server the object-storage tests use: `.ci/run` starts one (moto_server)
# and names it; unnamed, the test session starts its own on a free loopback port.
S3_URL = os.environ.get("ONEVISIT_TEST_S3_URL", "")


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite database for the tests that run onevisit's own processes on
    a database of their own: migrating takes ~25 s, so it is done once a session, or once
    for the whole CI run beside the suite (ONEVISIT_TEST_SQLITE_SCHEMA, waited for)."""
    named = os.environ.get(SCHEMA_ENV)
    if named:
        schema = Path(named)
        wait_for(f"the migrated SQLite schema {schema}", schema.is_file, seconds=600)
        return schema
    return sqlite_schema_make(tmp_path_factory.mktemp("sqlite-schema"))


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    if S3_URL:
        yield S3_URL
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                               "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the S3 server (moto) did not start") from None
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=30)


@dataclass(frozen=True)
class S3Bucket:
    """A bucket of the test S3 server, looked at directly (not through onevisit)."""

    client: Any
    name: str

    def keys(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.name, Key=key)["Body"].read())

    def write(self, key: str, content: bytes) -> None:
        self.client.put_object(Bucket=self.name, Key=key, Body=content)


@pytest.fixture
def on_s3(s3_endpoint: str, settings: Any, monkeypatch: pytest.MonkeyPatch) -> S3Bucket:
    """Files (the default storage and the audit checkpoints') in a new bucket of a real
    S3-compatible server, configured as `onevisit.settings` configures ONEVISIT_S3_BUCKET."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "onevisit-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "onevisit-test-secret")
    bucket = f"onevisit-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = topology.s3_settings(
        bucket=bucket, audit_bucket="", endpoint_url=s3_endpoint, region="us-east-1",
        storages=settings.STORAGES)["STORAGES"]
    return S3Bucket(client=client, name=bucket)
