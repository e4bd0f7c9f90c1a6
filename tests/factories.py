"""Factories for tests: one trait per lifecycle state, no randomness that changes a path."""

from __future__ import annotations

import datetime as dt

import factory
from stdnum.cn import ric

from onevisit.accounts.models import Department, Region, RegionLevel, Role, User
from onevisit.catalogue.constants import ItemKind, ItemStatus, LimitUnit
from onevisit.catalogue.models import (
    EvidenceType,
    FieldDef,
    ItemField,
    MaterialRequirement,
    ServiceItem,
)


def resident_id(region: str = "330106", birth: str = "19850312", seq: str = "201") -> str:
    """A resident ID number with a correct check digit."""
    body = f"{region}{birth}{seq}"
    return body + ric.calc_check_digit(body + "0")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "330106"
    name = "西湖区"
    level = RegionLevel.COUNTY


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"测试部门{n}")
    region = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "测试"
    role = Role.CITIZEN
    password = factory.django.Password("correct horse battery")

    class Params:
        # Staff outside a department act in a region (西湖区 unless the test says);
        # reviewers act in their department's.
        clerk = factory.Trait(role=Role.CLERK, region=factory.SubFactory(RegionFactory))
        supervisor = factory.Trait(role=Role.SUPERVISOR,
                                   region=factory.SubFactory(RegionFactory))
        courier = factory.Trait(role=Role.COURIER, region=factory.SubFactory(RegionFactory))
        reviewer = factory.Trait(role=Role.REVIEWER)
        lead = factory.Trait(role=Role.REVIEWER, department_lead=True)
        agent = factory.Trait(role=Role.AGENT, region=factory.SubFactory(RegionFactory))
        dispatcher = factory.Trait(role=Role.DISPATCHER,
                                   region=factory.SubFactory(RegionFactory))


class FieldDefFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldDef
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"字段{n}")
    type = "text"


class EvidenceTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"evidence-{n}")
    name = factory.Sequence(lambda n: f"证明{n}")
    subject_kind = "person"
    source = "population"
    subject_field = "applicant_id_number"


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem

    code = factory.Sequence(lambda n: f"330106-T-{n:03d}")
    version = 1
    status = ItemStatus.DRAFT
    name = factory.Sequence(lambda n: f"测试事项{n}")
    kind = ItemKind.LICENSING
    department = factory.SubFactory(DepartmentFactory)
    region = factory.SubFactory(RegionFactory)
    region_level = RegionLevel.COUNTY
    legal_basis = "《中华人民共和国行政许可法》第四十二条"
    conditions = "申请人符合法定条件"
    statutory_limit = 20
    committed_limit = 5
    limit_unit = LimitUnit.WORKING_DAYS
    promised_visits = 1

    class Params:
        published = factory.Trait(
            status=ItemStatus.PUBLISHED,
            published_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
        )
        minutes = factory.Trait(limit_unit=LimitUnit.MINUTES, statutory_limit=60,
                                committed_limit=20)


class ItemFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemField

    item = factory.SubFactory(ServiceItemFactory)
    field = factory.SubFactory(FieldDefFactory)
    required = True


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaterialRequirement

    item = factory.SubFactory(ServiceItemFactory)
    code = factory.Sequence(lambda n: f"material-{n}")
    name = factory.Sequence(lambda n: f"材料{n}")
