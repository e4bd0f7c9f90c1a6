"""The vocabulary of the 特色小镇 programme: industries and their groups, functions, the
scenic-area goal, a town's statuses and the moves between them, assessment results, the
kinds of incentive-ledger rows, and the programme's defaults (docs/towns.md).

Units, everywhere in this app: money in 万元 (ten thousand yuan, two decimals), land in 亩
(two decimals), area in km², visitors in 人次, construction progress in percent.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

# The first year of the programme (浙政发〔2015〕8号).
FIRST_YEAR = 2015


class IndustryGroup(models.TextChoices):
    NEW = "new", _("七大新产业")
    CLASSIC = "classic", _("历史经典产业")


class Industry(models.TextChoices):
    """The one industry a town locks on: one of the seven new industries or one of the
    ten historical classic industries (the seed, case 2)."""

    INFORMATION = "information", _("信息经济")
    ENVIRONMENT = "environment", _("环保")
    HEALTH = "health", _("健康")
    TOURISM = "tourism", _("旅游")
    FASHION = "fashion", _("时尚")
    FINANCE = "finance", _("金融")
    EQUIPMENT = "equipment", _("高端装备")
    TEA = "tea", _("茶叶")
    SILK = "silk", _("丝绸")
    RICE_WINE = "rice_wine", _("黄酒")
    CHINESE_MEDICINE = "chinese_medicine", _("中药")
    WOOD_CARVING = "wood_carving", _("木雕")
    ROOT_CARVING = "root_carving", _("根雕")
    STONE_CARVING = "stone_carving", _("石刻")
    STUDY = "study", _("文房")
    CELADON = "celadon", _("青瓷")
    SWORD = "sword", _("宝剑")


NEW_INDUSTRIES = (Industry.INFORMATION, Industry.ENVIRONMENT, Industry.HEALTH,
                  Industry.TOURISM, Industry.FASHION, Industry.FINANCE, Industry.EQUIPMENT)
CLASSIC_INDUSTRIES = (Industry.TEA, Industry.SILK, Industry.RICE_WINE,
                      Industry.CHINESE_MEDICINE, Industry.WOOD_CARVING, Industry.ROOT_CARVING,
                      Industry.STONE_CARVING, Industry.STUDY, Industry.CELADON, Industry.SWORD)
INDUSTRY_GROUP: dict[str, str] = {
    **dict.fromkeys(NEW_INDUSTRIES, IndustryGroup.NEW),
    **dict.fromkeys(CLASSIC_INDUSTRIES, IndustryGroup.CLASSIC),
}


class TownFunction(models.TextChoices):
    """产业为核心，融入文化、旅游和一定的社区功能: 产业 is required."""

    INDUSTRY = "industry", _("产业")
    CULTURE = "culture", _("文化")
    TOURISM = "tourism", _("旅游")
    COMMUNITY = "community", _("社区")


class ScenicGoal(models.TextChoices):
    A3 = "3A", _("3A 级景区")
    A4 = "4A", _("4A 级景区")
    A5 = "5A", _("5A 级景区")


class TownStatus(models.TextChoices):
    DECLARED = "declared", _("已申报")
    CREATION = "creation", _("省级特色小镇创建对象")
    CULTIVATION = "cultivation", _("省级特色小镇培育对象")
    NOT_LISTED = "not_listed", _("未列入")
    EXITED = "exited", _("已退出")
    NAMED = "named", _("已验收命名")


# Every move of a town's status goes through `town_transition`, which checks this table.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    # The office reviews a county's declaration: listed as a creation or a cultivation
    # object, or not listed.
    TownStatus.DECLARED: {TownStatus.CREATION, TownStatus.CULTIVATION, TownStatus.NOT_LISTED},
    # A creation object below the warning band is demoted (降格) to cultivation; failing
    # again it exits (退出); after its creation period it may be accepted and named.
    TownStatus.CREATION: {TownStatus.CULTIVATION, TownStatus.EXITED, TownStatus.NAMED},
    # A cultivation object the office promotes (升格) becomes a creation object; failing
    # twice it exits.
    TownStatus.CULTIVATION: {TownStatus.CREATION, TownStatus.EXITED},
    # A town not listed may be declared again (a later round of declarations).
    TownStatus.NOT_LISTED: {TownStatus.DECLARED},
    # Exit and naming are final.
    TownStatus.EXITED: set(),
    TownStatus.NAMED: set(),
}

# The statuses in which a town reports and is assessed each year.
REPORTING_STATUSES = (TownStatus.CREATION, TownStatus.CULTIVATION)


class AssessmentResult(models.TextChoices):
    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")
    WARNING = "warning", _("警告")
    DEMOTED = "demoted", _("降格")
    EXITED = "exited", _("退出")


# "Met its targets" (完成年度目标任务) is exactly the result 合格: it earns the land and
# fiscal rewards. These results failed the targets and cost the double deduction (加倍倒扣).
# 警告 is neither: no reward and no deduction that year.
FAILED_RESULTS = (AssessmentResult.FAILED, AssessmentResult.DEMOTED, AssessmentResult.EXITED)


class MethodStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class LedgerKind(models.TextChoices):
    LAND_REWARD = "land_reward", _("用地奖励")
    LAND_DEDUCTION = "land_deduction", _("用地倒扣")
    DEMONSTRATION_LAND = "demonstration_land", _("示范小镇奖励用地")
    FISCAL_REWARD = "fiscal_reward", _("财政奖励")


class Indicator(models.TextChoices):
    """What a year's target sets and an assessment scores."""

    INVESTMENT = "investment", _("完成投资（万元）")
    SPECIAL_INVESTMENT = "special_investment", _("其中特色产业投资（万元）")
    NEW_ENTERPRISES = "new_enterprises", _("新入驻企业（家）")
    TAX_REVENUE = "tax_revenue", _("税收收入（万元）")
    VISITORS = "visitors", _("接待游客（人次）")
    CONSTRUCTION_PROGRESS = "construction_progress", _("景区建设进度（%）")


class Figure(models.TextChoices):
    """The figures a town types in its annual report, each needing evidence."""

    INVESTMENT = "investment", _("完成投资（万元）")
    SPECIAL_INVESTMENT = "special_investment", _("其中特色产业投资（万元）")
    NEW_LAND = "new_land", _("实际新增建设用地（亩）")
    VISITORS = "visitors", _("接待游客（人次）")
    CONSTRUCTION_PROGRESS = "construction_progress", _("景区建设进度（%）")


# The figures counted in whole numbers (the others are amounts with two decimals).
WHOLE_FIGURES = (Figure.VISITORS, Figure.CONSTRUCTION_PROGRESS)


# The figures the government already holds: fetched through the exchange, never typed.
HELD_FIGURES = ("tax_revenue", "new_enterprises")
TAX_EVIDENCE = "town_tax"
TAX_SOURCE = "tax"
ENTERPRISES_EVIDENCE = "town_enterprises"
ENTERPRISES_SOURCE = "enterprise"

# The joint-meeting office's department: its TOWNS staff act as the office.
OFFICE_DEPARTMENT_CODE = "zj-tsxz"

# 规划面积控制在 3 平方公里左右: a planned area outside this band (km², inclusive) needs a
# written reason. A programme default, not a figure from the policy text.
AREA_BAND_KM2 = (Decimal("1"), Decimal("5"))
CREATION_YEARS_DEFAULT = 3
CREATION_YEARS_MAX = 5

# Defaults of a new assessment method (each is configured on the method).
DEFAULT_WEIGHTS: dict[str, int] = {
    Indicator.INVESTMENT: 25, Indicator.SPECIAL_INVESTMENT: 25, Indicator.NEW_ENTERPRISES: 15,
    Indicator.TAX_REVENUE: 15, Indicator.VISITORS: 10, Indicator.CONSTRUCTION_PROGRESS: 10,
}
DEFAULT_PASS_SCORE = Decimal("80")
DEFAULT_WARNING_SCORE = Decimal("60")
DEFAULT_LAND_REWARD_PERCENT = 100
DEFAULT_DEDUCTION_MULTIPLIER = 2
DEFAULT_PROVINCE_TAX_SHARE_PERCENT = 50
DEFAULT_RETURN_PERCENTS = [100, 100, 100, 50, 50]
DEFAULT_DEMONSTRATION_LAND_MU = Decimal("100")
DEFAULT_DEMONSTRATION_MAX = 10

TEXT_MAX = 2000
