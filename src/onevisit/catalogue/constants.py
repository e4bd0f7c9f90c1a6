from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.workdays.constants import LimitUnit as LimitUnit


class ItemKind(models.TextChoices):
    LICENSING = "licensing", _("行政许可")
    PENALTY = "penalty", _("行政处罚")
    COERCION = "coercion", _("行政强制")
    LEVY = "levy", _("行政征收")
    PAYMENT = "payment", _("行政给付")
    INSPECTION = "inspection", _("行政检查")
    CONFIRMATION = "confirmation", _("行政确认")
    REWARD = "reward", _("行政奖励")
    ADJUDICATION = "adjudication", _("行政裁决")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


# The item types by the numbers national implementation lists give them (事项类型, e.g. the
# task_type column of a county's exported list).
NATIONAL_KIND_CODES: dict[str, ItemKind] = {
    "1": ItemKind.LICENSING, "2": ItemKind.PENALTY, "3": ItemKind.COERCION,
    "4": ItemKind.LEVY, "5": ItemKind.PAYMENT, "6": ItemKind.INSPECTION,
    "7": ItemKind.CONFIRMATION, "8": ItemKind.REWARD, "9": ItemKind.ADJUDICATION,
    "10": ItemKind.OTHER_POWER, "20": ItemKind.PUBLIC_SERVICE,
}


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


# A statutory limit of a minute-committed item is kept in minutes at this many a working
# day (8 hours); people read it back in working days.
MINUTES_PER_WORKING_DAY = 480


class FieldType(models.TextChoices):
    TEXT = "text", _("文本")
    RESIDENT_ID = "resident_id", _("居民身份证号码")
    USCC = "uscc", _("统一社会信用代码")
    PHONE = "phone", _("手机号码")
    MONEY = "money", _("金额")
    DATE = "date", _("日期")
    ADDRESS = "address", _("地址")
    REGION = "region", _("行政区划代码")
    INTEGER = "integer", _("整数")
    AREA = "area", _("面积（平方米）")
    CHOICE = "choice", _("选项")


class SubjectKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ENTERPRISE = "enterprise", _("法人")
    PROPERTY = "property", _("不动产")
    CERTIFICATE = "certificate", _("证照")


class ListKind(models.TextChoices):
    POWER = "power", _("权力清单")
    RESPONSIBILITY = "responsibility", _("责任清单")
    NEGATIVE = "negative", _("企业投资负面清单")
    FISCAL_FUND = "fiscal_fund", _("财政专项资金管理清单")


class ChargeKind(models.TextChoices):
    TAX = "tax", _("税款")
    FEE = "fee", _("行政事业性收费")
