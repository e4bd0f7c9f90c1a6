"""Keyword rules: dispatch for an instance that has no history to learn from yet.

A rule belongs to a kind of department, recognised by words of the department's name
(住房和城乡建设, 城市管理 …), so any county's own departments pick up the rules whatever
their codes. A ticket scores a department by the keywords of its rule found in the text,
a longer keyword counting more; the confidence is the department's share of the scores
with room left for "none of these".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from onevisit.search.text import normalize, word_frequency
from onevisit.search.text import simplified as to_simplified


@dataclass(frozen=True)
class KeywordRule:
    kind: str
    name_markers: tuple[str, ...]  # a department whose name holds one of these has the rule
    keywords: tuple[str, ...]
    # Each keyword as it is looked for (lower case) with what it counts: a longer keyword
    # counts more.
    weighted: tuple[tuple[str, float], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weighted", tuple(
            (word.lower(), 1.0 + 0.5 * (len(word) - 2) if len(word) > 2 else 1.0)
            for word in self.keywords))


def _rule(kind: str, markers: str, keywords: str) -> KeywordRule:
    return KeywordRule(kind=kind, name_markers=tuple(markers.split()),
                       keywords=tuple(dict.fromkeys(keywords.split())))


# Checked in this order: the first rule whose marker is in a department's name is its rule
# (公安 before 交通: 公安局交通警察大队 is the police).
RULES: tuple[KeywordRule, ...] = (
    _rule("police", "公安 派出所",
          "报警 派出所 民警 警察 户口 落户 户籍 身份证 居住证 护照 通行证 诈骗 被骗 刷单 盗窃 "
          "偷窃 打架 斗殴 扰民 喧哗 吵闹 楼上 邻居 广场舞 违停 挪车 交警 治安 群租 走失 赌博 "
          "吸毒 传销 酒驾 出入境"),
    _rule("housing", "住房和城乡建设 住建 房管 建设局",
          "物业 物业费 业委会 业主 维修基金 维修资金 专项维修 漏水 渗水 防水 外墙 老旧小区 改造 "
          "加装电梯 公租房 保障房 人才房 租房补贴 房产中介 中介 押金 开发商 交房 商品房 预售 "
          "工地 施工 夜间施工 打桩 建筑 房屋质量 空鼓"),
    _rule("tax", "税务",
          "税 纳税 退税 个税 个人所得税 汇算 专项附加扣除 发票 开票 数电 契税 增值税 "
          "电子税务局 办税 申报 偷税 逃税 税费 社保费 缴费"),
    _rule("registry", "不动产",
          "不动产 产权证 房产证 不动产权证 过户 抵押 抵押注销 继承登记 登记中心 产证 办证 "
          "权属 首次登记"),
    _rule("planning", "规划和自然资源 自然资源 国土 规划",
          "规划 控规 日照 采光 遮挡 容积率 用地 耕地 农田 基本农田 土地 挖山 取土 矿 门牌 "
          "地名 红线 规划许可 测绘"),
    _rule("market", "市场监督 市场监管 工商",
          "消费 消费者 退款 退换 退货 质量问题 假货 三无 过期 食品安全 食品 卫生差 拉肚子 "
          "地沟油 注水肉 无证经营 营业执照 个体户 注册 注销 价格 标价 明码标价 多收 乱收费 "
          "虚假宣传 保健品 电梯 电梯困人 年检 预付卡 会员卡 充值卡 商家 网购 外卖 小作坊"),
    _rule("labour", "人力资源和社会保障 人社 劳动 人力社保",
          "工资 欠薪 拖欠 讨薪 工钱 包工头 农民工 劳动合同 加班费 辞退 解除劳动合同 调岗 降薪 "
          "社保 养老保险 失业金 失业保险 退休 养老金 社保转移 断缴 补缴 人才补贴 人才认定 "
          "就业 创业 职业技能 技能证书 劳动仲裁 劳动监察"),
    _rule("health-insurance", "医疗保障 医保",
          "医保 医保卡 医疗保险 报销 异地就医 备案 门诊 慢性病 住院结算 医保电子凭证 "
          "参保 骗保 医保基金 刷医保 定点药店 自费"),
    _rule("health", "卫生健康 卫健 卫生局",
          "医院 医生 护士 看病 挂号 急诊 就诊 医疗 医患 疫苗 接种 体检 出生医学证明 非法行医 "
          "无证行医 诊所 医美 医疗美容 玻尿酸 吸烟 控烟 二手烟 托育 生育 育儿 卫生服务中心 "
          "家庭医生"),
    _rule("development", "发展和改革 发改",
          "扶持资金 惠企 政策兑现 项目备案 投资项目 核准 审批进度 充电桩 新能源 停电 供电 "
          "电压 跳闸 电力 能源 粮食 营商环境 数字经济"),
    _rule("civil-affairs", "民政",
          "养老 养老院 养老机构 高龄津贴 居家养老 低保 救助 临时救助 困难 残疾 独居老人 "
          "婚姻登记 结婚 离婚 结婚证 殡葬 丧葬 墓 社会组织 福利"),
    _rule("city-management", "城市管理 城管 综合执法 综合行政执法",
          "城管 占道 占道经营 摊贩 摆摊 流动摊 夜宵摊 油烟 违章搭建 违建 私搭乱建 彩钢棚 加盖 "
          "垃圾 垃圾分类 清运 垃圾桶 中转站 渣土 渣土车 建筑垃圾 装修垃圾 抛洒 扬尘 井盖 "
          "路灯 人行道 路面 塌陷 共享单车 乱停 户外广告 招牌 公厕 环卫 市容"),
    _rule("transport", "交通运输 交通",
          "公交 公交车 公交站 站台 班次 末班车 线路 司机 驾驶员 出租车 拒载 绕路 网约车 黑车 "
          "非法营运 道路施工 开挖 红绿灯 拥堵 堵车 地铁 接驳"),
    _rule("environment", "生态环境 环境保护 环保",
          "废气 异味 刺鼻 臭味 化工 排放 冒黑烟 喷漆 噪声 工业噪声 冷却塔 外机 排污 偷排 "
          "污水 死鱼 辐射 基站 信号塔 危险废物 危废 废机油 污染 环评"),
    _rule("education", "教育",
          "学校 小学 中学 初中 幼儿园 入学 招生 学区 报名 积分入学 培训机构 校外培训 补课 "
          "有偿补课 老师 教师 学生 作业 校服 食堂 家长 护学岗 课后服务 学费"),
    _rule("water-forestry", "林业水利 林水 水利 水务 林业",
          "河道 河长 水质 水葫芦 积水 内涝 排水 淹 进水 防汛 暴雨 山林 砍伐 古树 烧荒 山火 "
          "停水 供水 水压 自来水 水库 山塘 溺水 钓鱼 游泳"),
    _rule("emergency", "应急管理 应急",
          "安全隐患 安全生产 动火 易燃 危化品 液化气 燃气 煤气 泄漏 消防 消防通道 飞线充电 "
          "电动车 充电 楼道 有限空间 避难场所 台风 防灾"),
    _rule("culture-tourism", "文化 旅游 体育 文旅",
          "景区 游客 导游 旅行团 旅行社 游船 门票 网吧 未成年人 KTV 酒吧 剧本杀 娱乐场所 "
          "健身房 健身 游泳馆 私教 图书馆 文化站 体育 运动场 篮球场 文艺演出"),
    _rule("power-supply", "供电 电力公司 电网",
          "停电 断电 跳闸 电压 电压低 电表 电费 电价 峰谷 阶梯电价 变压器 电线杆 电杆 高压线 "
          "低压线 线路老化 供电 用电 报装 增容 光伏 并网 充电桩报装 95598 抄表"),
    _rule("housing-fund", "公积金",
          "公积金 住房公积金 提取 公积金提取 缴存 补缴公积金 公积金贷款 组合贷 销户 封存 "
          "公积金转移 异地转移 缴存基数 公积金中心 冲还贷 按月提取 租房提取"),
    _rule("agriculture", "农业农村 农业",
          "流浪狗 流浪犬 狗 犬 遛狗 狂犬 农药 化肥 农资 茶园 茶农 种粮 补贴 土地流转 宅基地 "
          "农房 病死猪 家禽 检疫 农产品 动物防疫"),
)


# A township's office (街道办事处, 镇人民政府) handles what happens in its own area: callers
# name the township (新嘉街道, 余新镇, or 新嘉 alone when the word is not a common one).
_TOWNSHIP_OFFICE = re.compile(r"(?:区|县|市)?(?P<short>[^区县市]{2,8}?)(?P<unit>街道|镇|乡)"
                              r"(?:办事处|人民政府|政府)?$")
COMMON_WORD_FREQUENCY = 1000  # a township's bare name this common in the dictionary is no clue
SHORT = 3  # keywords this long or shorter are found among a text's character n-grams


def _township_rule(name: str) -> KeywordRule | None:
    found = _TOWNSHIP_OFFICE.search(name)
    if found is None:
        return None
    short, unit = found["short"], found["unit"]
    keywords = [short + unit]
    if word_frequency(short) < COMMON_WORD_FREQUENCY:
        keywords.append(short)
    return KeywordRule(kind="township", name_markers=(), keywords=tuple(keywords))


def rule_for(name: str) -> KeywordRule | None:
    """The rule of a department by its name, if any: a township office's own (the
    township's name; first, as 人民政府 holds 民政), or its kind's."""
    return _township_rule(name) or next(
        (rule for rule in RULES if any(m in name for m in rule.name_markers)), None)


@lru_cache(maxsize=64)  # a suggestion reads it twice: for the model and for the rules
def simplified(text: str) -> str:
    """The text normalised (`onevisit.search.text.normalize`) and in simplified
    characters: 營業執照 → 营业执照."""
    return to_simplified(normalize(text))


class RuleSet:
    """Departments' rules made ready to score many texts: a keyword of up to three
    characters is found among the text's character n-grams (one set intersection), a
    longer one in the text. Departments of one kind share their rule: scored once."""

    def __init__(self, rules: dict[str, KeywordRule]) -> None:
        slots: dict[int, int] = {}
        self._codes: list[list[str]] = []
        self._short: dict[str, list[tuple[int, float]]] = {}
        self._long: list[tuple[str, int, float]] = []
        for code, rule in rules.items():
            slot = slots.get(id(rule))
            if slot is None:
                slot = slots[id(rule)] = len(self._codes)
                self._codes.append([])
                for word, weight in rule.weighted:
                    if len(word) <= SHORT:
                        self._short.setdefault(word, []).append((slot, weight))
                    else:
                        self._long.append((word, slot, weight))
            self._codes[slot].append(code)
        self._short_words = frozenset(self._short)

    def score(self, clean: str, grams: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """Departments by score for `clean` (a `simplified` text; `grams`: its character
        1–3-grams, when already made), best first, each with its confidence (0 to 1)."""
        if grams is None:
            grams = (clean[start:start + size] for size in range(1, SHORT + 1)
                     for start in range(len(clean) - size + 1))
        totals = [0.0] * len(self._codes)
        for word in self._short_words.intersection(grams):
            for slot, weight in self._short[word]:
                totals[slot] += weight
        for word, slot, weight in self._long:
            if word in clean:
                totals[slot] += weight
        scores = {code: total for slot, total in enumerate(totals) if total
                  for code in self._codes[slot]}
        whole = sum(scores.values()) + 1.0  # the 1: room for a department no keyword names
        ranked = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
        return [(code, score / whole) for code, score in ranked]
