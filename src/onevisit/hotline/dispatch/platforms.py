"""Dispatch to the grassroots platforms (基层治理四个平台) of the ticket's township.

A township's four platforms — 综治工作, 市场监管, 综合执法, 便民服务 — handle the matters of
their kind that happen in it (属地管理): a report of stalls blocking a street goes to that
street's 综合执法 platform before the county's bureau. So when a ticket's township hosts
platforms and its matter is of a platform's kind, that platform is suggested first, with
the reason.

Two things tell a matter's kind: keywords of each kind found in the ticket (`PLATFORM_RULES`)
and the learnt model. The model learns every township's platform of one kind as one label
(`platform:enforcement`, …), so what one township's tickets teach serves every other, and
the label is turned back into the platform of the ticket's own township when suggesting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from onevisit.accounts.models import PlatformKind
from onevisit.search.text import normalize, outermost

LABEL_PREFIX = "platform:"


def platform_label(kind: str) -> str:
    """What the learnt model calls every township's platform of this kind."""
    return f"{LABEL_PREFIX}{PlatformKind(kind).value}"


def label_platform(label: str) -> str:
    """The platform kind a model label stands for; "" for a department's own code."""
    kind = label.removeprefix(LABEL_PREFIX)
    return kind if kind != label and kind in PlatformKind.values else ""


def _words(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(text.split()))


# The matters each platform takes in its township: street disorder, illegal building and
# noise for 综合执法; food safety, prices and unlicensed trade for 市场监管; disputes between
# neighbours and safety for 综治工作; certificates, the elderly and social help for 便民服务.
PLATFORM_RULES: dict[str, tuple[str, ...]] = {
    PlatformKind.ENFORCEMENT: _words(
        "占道 占道经营 摆摊 摊贩 流动摊 夜宵摊 路边摊 小摊 摊位 摊点 游商 马路市场 出店经营 "
        "跨门营业 占用道路 堵路 堵住道路 城管 违章搭建 违建 "
        "私搭乱建 违法建设 违法建房 彩钢棚 加盖 油烟 露天烧烤 小广告 乱张贴 乱堆放 偷倒 乱倒 "
        "建筑垃圾 装修垃圾 渣土 抛洒 噪音 噪声 夜间施工 施工扰民 广场舞 户外广告 店招 市容"),
    PlatformKind.MARKET: _words(
        "食品安全 食品 过期 变质 后厨 卫生差 拉肚子 食物中毒 地沟油 注水肉 小作坊 无证经营 "
        "无照经营 营业执照 三无 假货 假冒 价格 标价 明码标价 多收 乱收费 缺斤短两 短斤缺两 "
        "缺秤 虚假宣传 保健品 预付卡 消费纠纷 农贸市场 菜市场"),
    PlatformKind.GOVERNANCE: _words(
        "纠纷 邻里纠纷 矛盾 调解 邻居 吵架 打架 斗殴 治安 安全隐患 隐患 群租 出租房 出租屋 "
        "流动人口 精神障碍 肇事 网格员 平安"),
    PlatformKind.CONVENIENCE: _words(
        "开证明 证明 代办 老年优待证 老年卡 高龄津贴 养老服务 居家养老 助餐 老年食堂 独居老人 "
        "失能 低保 救助 临时救助 生活困难 残疾人 残疾证 社保卡 医保卡 灵活就业 帮扶 便民"),
}


@dataclass(frozen=True)
class PlatformMatch:
    """A platform kind the ticket's words point to, how surely (0 to 1), and the words."""

    kind: str
    confidence: float
    keywords: tuple[str, ...]


def platform_kinds_score(text: str) -> list[PlatformMatch]:
    """The platform kinds whose keywords the text holds, best first; scored as the
    departments' keyword rules are (a longer keyword counts more, room left for none)."""
    clean = normalize(text)
    found: dict[str, tuple[float, tuple[str, ...]]] = {}
    for kind, keywords in PLATFORM_RULES.items():
        words = tuple(word for word in keywords if word in clean)
        if words:
            found[str(kind)] = (sum(1.0 + 0.5 * (len(word) - 2) if len(word) > 2 else 1.0
                                    for word in words), words)
    total = sum(score for score, _found in found.values()) + 1.0
    order = list(PlatformKind.values)
    ranked = sorted(found.items(), key=lambda pair: (-pair[1][0], order.index(pair[0])))
    return [PlatformMatch(kind=kind, confidence=score / total, keywords=words)
            for kind, (score, words) in ranked]


def platform_reason(reason: dict[str, Any]) -> str:
    """Why a platform was suggested first, in the reader's language: the kind of matter
    and what showed it (the words of the ticket, what the history taught)."""
    kind = str(reason.get("platform", ""))
    if kind not in PlatformKind.values:
        return ""
    words = outermost(reason.get("keywords") or [])  # 占道经营 says 占道 already
    shown = [_("诉求提到：%(words)s") % {"words": _("、").join(words)}] if words else []
    if reason.get("learnt"):
        shown.append(_("以往此类诉求由乡镇（街道）平台办理"))
    head = _("属地%(platform)s事项") % {"platform": PlatformKind(kind).label}
    return _("%(matter)s（%(why)s）") % {"matter": head, "why": "；".join(shown)} if shown else head
