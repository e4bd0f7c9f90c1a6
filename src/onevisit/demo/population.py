"""A synthetic population of Hangzhou whose records fill the reference registries.

`population_seed` makes people (valid resident ID numbers, mobile phones, household
addresses), couples, property owners, companies (valid unified social credit codes) and
recent births, and writes what the government holds about them — ID cards, household
registers, marriage, property and birth certificates, business licences — to the
registries of `onevisit.exchange`, so once-only fetches find them. The same seed gives the
same people; running it again rewrites the same records.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import phonenumbers
from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum.cn import ric, uscc

from onevisit import clock
from onevisit.exchange.services import registry_records_put
from onevisit.exchange.sources import Evidence

# County code → (district, ((township code, township, roads), …)). Codes and names from
# the bundled GB/T 2260 table (accounts/data); 330113 临平区 and 330114 钱塘区 date from 2021.
DISTRICTS: dict[str, tuple[str, tuple[tuple[str, str, tuple[str, ...]], ...]]] = {
    "330102": ("上城区", (
        ("330102003", "湖滨街道", ("解放路", "延安路", "东坡路")),
        ("330102001", "清波街道", ("河坊街", "南山路", "清波街")),
        ("330102014", "四季青街道", ("钱江路", "新塘路", "富春路")),
    )),
    "330105": ("拱墅区", (
        ("330105001", "米市巷街道", ("莫干山路", "湖墅南路")),
        ("330105004", "和睦街道", ("和睦路", "丽水路")),
        ("330105016", "朝晖街道", ("朝晖路", "中山北路")),
    )),
    "330106": ("西湖区", (
        ("330106002", "北山街道", ("保俶路", "北山街", "曙光路")),
        ("330106004", "西溪街道", ("文二路", "教工路", "学院路")),
        ("330106005", "翠苑街道", ("文三路", "古翠路", "翠柏路")),
        ("330106007", "古荡街道", ("文一路", "益乐路", "古墩路")),
        ("330106011", "蒋村街道", ("紫金港路", "余杭塘路", "天目山路")),
        ("330106013", "文新街道", ("丰潭路", "文二西路", "竞舟路")),
    )),
    "330108": ("滨江区", (
        ("330108001", "西兴街道", ("江南大道", "江陵路")),
        ("330108002", "长河街道", ("长河路", "江虹路")),
    )),
    "330109": ("萧山区", (
        ("330109001", "城厢街道", ("人民路", "城河街")),
        ("330109002", "北干街道", ("金城路", "市心北路")),
    )),
    "330110": ("余杭区", (
        ("330110005", "五常街道", ("五常大道", "文一西路")),
        ("330110012", "仓前街道", ("文一西路", "良睦路")),
    )),
    "330111": ("富阳区", (("330111001", "富春街道", ("桂花路", "江滨西大道")),)),
    "330112": ("临安区", (("330112001", "锦城街道", ("钱王街", "衣锦街")),)),
    "330113": ("临平区", (
        ("330113001", "临平街道", ("迎宾路", "西大街")),
        ("330113002", "南苑街道", ("藕花洲大街", "世纪大道")),
    )),
    "330114": ("钱塘区", (
        ("330114001", "下沙街道", ("学源街", "文泽路")),
        ("330114002", "白杨街道", ("学林街", "文渊路")),
    )),
}
# Where people's ID numbers were issued, and where they live now: mostly the pilot district.
BIRTH_COUNTY_WEIGHTS = {
    "330102": 8, "330105": 10, "330106": 30, "330108": 6, "330109": 12, "330110": 10,
    "330111": 5, "330112": 4, "330113": 8, "330114": 7,
}
HOME_COUNTY_WEIGHTS = dict.fromkeys(DISTRICTS, 3) | {"330106": 70}
COMPANY_COUNTY_WEIGHTS = {"330106": 80, "330105": 8, "330108": 7, "330110": 5}

ETHNIC_MINORITIES = ("畲族", "回族", "土家族", "苗族", "满族")
HOSPITALS = (  # 助产机构 and the district they are in
    ("浙江大学医学院附属妇产科医院", "上城区"), ("杭州市妇产科医院", "上城区"),
    ("浙江大学医学院附属邵逸夫医院", "上城区"), ("杭州市第一人民医院", "上城区"),
    ("杭州市西溪医院", "西湖区"), ("浙江省人民医院", "拱墅区"),
)
TRADE_NAME_CHARACTERS = (
    "华瑞鑫泰恒达创新博远盛弘信诚源智联优禾嘉卓越众合云海星明德安宏润晟睿启航锦臻之江"
)
INDUSTRIES: dict[str, str] = {
    "科技": "一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；软件开发；"
            "信息系统集成服务",
    "网络科技": "一般项目：互联网数据服务；网络技术服务；软件开发；广告设计、代理",
    "电子商务": "一般项目：互联网销售（除销售需要许可的商品）；日用百货销售；服装服饰零售",
    "文化传媒": "一般项目：组织文化艺术交流活动；会议及展览服务；广告制作；摄影扩印服务",
    "餐饮管理": "许可项目：餐饮服务；食品销售。一般项目：餐饮管理",
    "贸易": "一般项目：日用百货销售；五金产品批发；电子产品销售；货物进出口",
    "建筑工程": "许可项目：建设工程施工。一般项目：园林绿化工程施工；建筑材料销售",
    "教育科技": "一般项目：教育咨询服务（不含涉许可审批的教育培训活动）；技术服务、技术开发",
    "生物科技": "一般项目：生物基材料技术研发；技术服务、技术开发；化妆品零售",
    "茶业": "许可项目：食品销售。一般项目：初级农产品收购；茶具销售；农产品的生产、销售",
}
COMPANY_TYPES = ("有限责任公司（自然人投资或控股）", "有限责任公司（自然人独资）")
REGISTERED_CAPITALS = (10, 30, 50, 100, 200, 300, 500, 1000)  # 万元

ADULT_BIRTHS = (dt.date(1950, 1, 1), dt.date(2004, 12, 31))
MARRIAGE_RATE = 0.7
PROPERTY_RATE = 0.4
SECOND_PROPERTY_RATE = 0.1
BIRTH_RATE = 0.08  # of married women aged 20–42: births in the last month


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    gender: str
    birth_date: dt.date
    phone: str
    address: str
    spouse_id_number: str | None
    property_certificate_numbers: tuple[str, ...]
    # The register's record of each property, in the order of the numbers above.
    properties: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Company:
    name: str
    uscc: str
    phone: str
    address: str
    legal_rep_id_number: str
    registered_capital: Decimal  # 万元
    established_on: dt.date


@dataclass(frozen=True)
class Birth:
    certificate_number: str
    newborn_name: str
    gender: str
    birth_date: dt.date
    hospital: str
    mother_id_number: str
    father_id_number: str


@dataclass(frozen=True)
class Population:
    people: list[Person]
    companies: list[Company]
    births: list[Birth]


@dataclass
class _Resident:
    """A person while the population is being made; becomes a `Person`."""

    surname: str
    given_name: str
    gender: str
    birth_date: dt.date
    ethnicity: str
    id_number: str
    phone: str
    county: str
    township: str
    address: str
    household_number: str
    householder: str = ""
    spouse: _Resident | None = None
    properties: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.surname + self.given_name

    def person(self) -> Person:
        return Person(
            name=self.name, id_number=self.id_number, gender=self.gender,
            birth_date=self.birth_date, phone=self.phone, address=self.address,
            spouse_id_number=self.spouse.id_number if self.spouse else None,
            property_certificate_numbers=tuple(p["certificate_number"] for p in self.properties),
            properties=tuple(self.properties),
        )


class _Maker:
    """Draws everything from one `random.Random` and one seeded Faker, in a fixed order."""

    def __init__(self, *, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.today = today
        self.id_numbers: set[str] = set()
        self.certificate_numbers: set[int] = set()
        self.company_names: set[str] = set()

    # ---------------------------------------------------------------- small draws

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    def county(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def mobile(self) -> str:
        while True:
            number = self.fake.phone_number()
            parsed = phonenumbers.parse(number, "CN")
            if (phonenumbers.is_valid_number(parsed)
                    and phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE):
                return str(number)

    def resident_id(self, *, county: str, birth_date: dt.date, gender: str) -> str:
        """Region, birth date, a police-station sequence whose last digit is odd for men,
        and the ISO 7064 check digit."""
        while True:
            sex_digit = self.rng.choice("13579" if gender == "男" else "02468")
            body = f"{county}{birth_date:%Y%m%d}{self.rng.randint(0, 99):02d}{sex_digit}"
            number = body + ric.calc_check_digit(body + "0")  # it ignores the last digit
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def address(self, county: str, *, office: bool = False) -> tuple[str, str]:
        """A street address in `county` and its township."""
        district, townships = DISTRICTS[county]
        _code, township, roads = self.rng.choice(townships)
        number = self.rng.randint(1, 400)
        building = self.rng.randint(1, 30)
        floor = self.rng.randint(1, 18)
        if office:
            unit = f"{floor}层{self.rng.randint(1, 30):02d}室"
        else:
            unit = f"{self.rng.randint(1, 4)}单元{floor}{self.rng.randint(1, 4):02d}室"
        road = self.rng.choice(roads)
        return f"浙江省杭州市{district}{road}{number}号{building}幢{unit}", township

    def certificate_serial(self) -> int:
        while True:
            serial = self.rng.randint(1, 9_999_999)
            if serial not in self.certificate_numbers:
                self.certificate_numbers.add(serial)
                return serial

    # ---------------------------------------------------------------- people

    def resident(self) -> _Resident:
        gender = self.rng.choice(("男", "女"))
        birth_date = self.date_between(*ADULT_BIRTHS)
        county = self.county(HOME_COUNTY_WEIGHTS)
        address, township = self.address(county)
        given = self.fake.first_name_male() if gender == "男" else self.fake.first_name_female()
        ethnicity = (
            "汉族" if self.rng.random() < 0.97 else self.rng.choice(ETHNIC_MINORITIES)
        )
        id_number = self.resident_id(
            county=self.county(BIRTH_COUNTY_WEIGHTS), birth_date=birth_date, gender=gender
        )
        return _Resident(
            surname=self.fake.last_name(), given_name=given, gender=gender,
            birth_date=birth_date, ethnicity=ethnicity, id_number=id_number,
            phone=self.mobile(), county=county, township=township, address=address,
            household_number=f"{self.rng.randint(0, 999_999_999):09d}",
        )

    def marry(self, residents: list[_Resident]) -> list[tuple[_Resident, _Resident, dt.date]]:
        """Pair men and women of similar age; a couple shares the husband's or the wife's
        household."""
        men = sorted((r for r in residents if r.gender == "男"), key=lambda r: r.birth_date)
        women = sorted((r for r in residents if r.gender == "女"), key=lambda r: r.birth_date)
        couples = []
        for husband, wife in zip(men, women, strict=False):
            earliest = max(_years_after(husband.birth_date, 22), _years_after(wife.birth_date, 20))
            latest = self.today - dt.timedelta(days=60)
            if self.rng.random() >= MARRIAGE_RATE or earliest > latest:
                continue
            married_on = self.date_between(earliest, latest)
            head, member = (husband, wife) if self.rng.random() < 0.6 else (wife, husband)
            member.county, member.township = head.county, head.township
            member.address, member.household_number = head.address, head.household_number
            member.householder = head.name
            husband.spouse, wife.spouse = wife, husband
            couples.append((husband, wife, married_on))
        return couples

    def real_estate(self, owner: _Resident) -> dict[str, Any]:
        county = self.county(HOME_COUNTY_WEIGHTS)
        address, _township = self.address(county)
        first_year = min(max(2016, owner.birth_date.year + 20), self.today.year)
        registered_on = self.date_between(dt.date(first_year, 1, 1), self.today)
        number = f"浙({registered_on.year})杭州市不动产权第{self.certificate_serial():07d}号"
        area = Decimal(self.rng.randint(4500, 16000)) / 100
        return {
            "certificate_number": number, "address": address, "use": "住宅",
            "land_use": "城镇住宅用地", "right_type": "国有建设用地使用权/房屋所有权",
            "right_nature": "出让/市场化商品房", "building_area_m2": f"{area:.2f}",
            "co_ownership": "单独所有", "registered_on": registered_on.isoformat(),
            "authority": "杭州市规划和自然资源局",
        }

    def birth(self, mother: _Resident, father: _Resident) -> Birth:
        gender = self.rng.choice(("男", "女"))
        given = self.fake.first_name_male() if gender == "男" else self.fake.first_name_female()
        return Birth(
            certificate_number=f"{self.rng.choice('NOPQR')}33{self.certificate_serial():07d}",
            newborn_name=father.surname + given, gender=gender,
            birth_date=self.today - dt.timedelta(days=self.rng.randint(1, 30)),
            hospital=self.rng.choice(HOSPITALS)[0], mother_id_number=mother.id_number,
            father_id_number=father.id_number,
        )

    # ---------------------------------------------------------------- companies

    def credit_code(self, county: str) -> str:
        """91 (an enterprise registered by market regulation), the county, a 9-character
        organisation code with its GB 11714 check character, and the USCC check character."""
        body = "MA2" + "".join(self.rng.choices("0123456789ABCDEFGHJKLMNPQRTUWXY", k=5))
        organisation = body + _organisation_check(body)
        number = f"91{county}{organisation}"
        return number + uscc.calc_check_digit(number)

    def company(self, legal_rep: _Resident) -> tuple[Company, dict[str, Any]]:
        industry = self.rng.choice(list(INDUSTRIES))
        while True:
            trade_name = "".join(self.rng.sample(TRADE_NAME_CHARACTERS, 2))
            name = f"杭州{trade_name}{industry}有限公司"
            if name not in self.company_names:
                self.company_names.add(name)
                break
        county = self.county(COMPANY_COUNTY_WEIGHTS)
        address, _township = self.address(county, office=True)
        company = Company(
            name=name, uscc=self.credit_code(county), phone=self.mobile(), address=address,
            legal_rep_id_number=legal_rep.id_number,
            registered_capital=Decimal(self.rng.choice(REGISTERED_CAPITALS)),
            established_on=self.date_between(dt.date(2012, 1, 1),
                                             self.today - dt.timedelta(days=30)),
        )
        licence = {
            "name": name, "uscc": company.uscc, "type": self.rng.choice(COMPANY_TYPES),
            "legal_representative": legal_rep.name,
            "registered_capital": f"{company.registered_capital}万元人民币",
            "established_on": company.established_on.isoformat(), "business_term": "长期",
            "address": address, "business_scope": INDUSTRIES[industry], "industry": industry,
            "registration_authority": f"杭州市{DISTRICTS[county][0]}市场监督管理局",
        }
        return company, licence


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _organisation_check(body: str) -> str:
    """The check character of a GB 11714 organisation code (8 characters given)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(char, 36) * weight for char, weight in zip(body, weights, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _identity_records(resident: _Resident, maker: _Maker) -> list[Evidence]:
    """The ID card and household register the population registry holds for a person.

    An ID card issued at 16–25 is valid 10 years, at 26–45 20 years, from 46 for life."""
    issued_on = maker.date_between(
        max(_years_after(resident.birth_date, 16), maker.today - dt.timedelta(days=3650)),
        maker.today,
    )
    age = issued_on.year - resident.birth_date.year
    valid_until = (
        None if age >= 46 else _years_after(issued_on, 10 if age <= 25 else 20)
    )
    district = DISTRICTS[resident.county][0]
    police = f"杭州市公安局{district}分局"
    common = {
        "name": resident.name, "id_number": resident.id_number, "gender": resident.gender,
        "ethnicity": resident.ethnicity, "birth_date": resident.birth_date.isoformat(),
        "address": resident.address,
    }
    id_card = common | {
        "issuing_authority": police, "valid_from": issued_on.isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else "长期",
    }
    household = common | {
        "household_number": resident.household_number,
        "householder": resident.householder or resident.name,
        "relation_to_householder": "配偶" if resident.householder else "户主",
        "registration_authority": f"{police}{resident.township.removesuffix('街道')}派出所",
        "township_code": next(
            code for code, name, _roads in DISTRICTS[resident.county][1]
            if name == resident.township
        ),
    }
    return [
        Evidence("population", "resident_id_card", resident.id_number, id_card, valid_until),
        Evidence("population", "household_register", resident.id_number, household),
    ]


def _marriage_records(
    husband: _Resident, wife: _Resident, married_on: dt.date, serial: int
) -> list[Evidence]:
    """One 结婚证 each, with the same number, issued where the couple's household is."""
    number = f"J{husband.county}-{married_on.year}-{serial:06d}"
    registry = f"杭州市{DISTRICTS[husband.county][0]}民政局婚姻登记处"
    return [
        Evidence("civil_affairs", "marriage_certificate", holder.id_number, {
            "certificate_number": number, "registered_on": married_on.isoformat(),
            "registry": registry, "holder_name": holder.name,
            "holder_id_number": holder.id_number, "spouse_name": spouse.name,
            "spouse_id_number": spouse.id_number,
        })
        for holder, spouse in ((husband, wife), (wife, husband))
    ]


def _birth_record(
    birth: Birth, mother: _Resident, father: _Resident, maker: _Maker
) -> Evidence:
    return Evidence("health", "birth_medical_certificate", mother.id_number, {
        "certificate_number": birth.certificate_number, "newborn_name": birth.newborn_name,
        "gender": birth.gender, "birth_date": birth.birth_date.isoformat(),
        "birth_time": f"{maker.rng.randint(0, 23):02d}:{maker.rng.randint(0, 59):02d}",
        "gestational_weeks": maker.rng.randint(37, 41),
        "weight_grams": maker.rng.randint(2600, 4200),
        "length_cm": maker.rng.randint(47, 54),
        "birth_place": f"浙江省杭州市{dict(HOSPITALS)[birth.hospital]}",
        "hospital": birth.hospital, "mother_name": mother.name,
        "mother_id_number": mother.id_number, "father_name": father.name,
        "father_id_number": father.id_number,
        "issued_on": min(birth.birth_date + dt.timedelta(days=2), maker.today).isoformat(),
    })


@transaction.atomic
def population_seed(*, people: int, companies: int, seed: int = 2017) -> Population:
    """Make `people` adults and `companies` companies and write their registry records.

    Deterministic for a seed (dates of recent births and ID card validity are relative to
    today); records are keyed by evidence type and subject, so a re-run rewrites them."""
    maker = _Maker(seed=seed, today=timezone.localdate(clock.now()))
    residents = [maker.resident() for _ in range(people)]
    couples = maker.marry(residents)
    records = [record for r in residents for record in _identity_records(r, maker)]
    for serial, (husband, wife, married_on) in enumerate(couples, start=1):
        records += _marriage_records(husband, wife, married_on, serial)
    for resident in residents:
        if maker.rng.random() < PROPERTY_RATE:
            count = 2 if maker.rng.random() < SECOND_PROPERTY_RATE else 1
            resident.properties = [maker.real_estate(resident) for _ in range(count)]
            owner = {"owner_name": resident.name, "owner_id_number": resident.id_number,
                     "properties": resident.properties}
            records.append(Evidence("property", "real_estate_certificate",
                                         resident.id_number, owner))
    parents = [
        (wife, husband) for husband, wife, _married_on in couples
        if wife.birth_date.year >= maker.today.year - 42
    ]
    births = []
    for mother, father in maker.rng.sample(parents, round(len(parents) * BIRTH_RATE)):
        birth = maker.birth(mother, father)
        births.append(birth)
        records.append(_birth_record(birth, mother, father, maker))
    company_list = []
    for _ in range(companies):
        company, licence = maker.company(maker.rng.choice(residents))
        company_list.append(company)
        # Licences issued before the platform, imported into the certificate library.
        records.append(Evidence("certificates", "business_licence", company.uscc, licence))
    registry_records_put(entries=records)
    return Population(
        people=[r.person() for r in residents], companies=company_list, births=births
    )
