"""The messages' wording (templates): one subject and one text per event, written from
the values the event recorded, in the reader's language (SMS and e-mail in the site's)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onevisit.notifications.constants import NotifyEvent


@dataclass(frozen=True)
class Wording:
    subject: Promise
    text: Promise


WORDINGS: dict[str, Wording] = {
    NotifyEvent.ACCEPTED: Wording(
        _("您的申请已受理"),
        _("您申请的“%(title)s”（办件号 %(number)s）已受理，受理回执号 %(receipt)s，"
          "承诺 %(due)s 前办结。")),
    NotifyEvent.CORRECTION: Wording(
        _("请补正材料"),
        _("您申请的“%(title)s”（办件号 %(number)s）需要补正材料，一次性告知书 %(notice)s："
          "%(materials)s。请登录“我的办件”上传，无需到大厅。")),
    NotifyEvent.TOLERATED_DUE: Wording(
        _("请补交容缺材料"),
        _("您申请的“%(title)s”（办件号 %(number)s）容缺受理的材料 %(materials)s 请于 "
          "%(due)s 前补交，补交前办理结果暂不发放。")),
    NotifyEvent.RESULT_READY: Wording(
        _("办理结果已出"),
        _("您申请的“%(title)s”（办件号 %(number)s）已办结，办理结果%(how)s。")),
    NotifyEvent.DELIVERED: Wording(
        _("办理结果已送达"),
        _("您申请的“%(title)s”（办件号 %(number)s）的办理结果已送达（%(how)s）。"
          "欢迎对本次服务作出评价。")),
    NotifyEvent.REFUSED: Wording(
        _("不予许可决定"),
        _("您申请的“%(title)s”（办件号 %(number)s）不予许可，理由：%(reason)s。"
          "不服的，可以依法申请行政复议或者提起行政诉讼，详见“我的办件”。")),
    NotifyEvent.HOTLINE_REPLY: Wording(
        _("12345 工单答复"),
        _("【12345】您反映的事项（工单号 %(number)s）已办结。答复：%(reply)s")),
    NotifyEvent.RECTIFIED: Wording(
        _("您的差评已回访整改"),
        _("您对“%(title)s”（办件号 %(number)s）的评价，%(department)s 已回访并整改：%(measures)s。"
          "请在“我的办件”中对整改结果再次评价。")),
    NotifyEvent.SURVEY: Wording(
        _("满意度调查"),
        _("您办理的“%(title)s”（办件号 %(number)s）已办结，诚邀您参加“%(survey)s”，"
          "无需登录：%(link)s")),
    NotifyEvent.CREDIT_DECIDED: Wording(
        _("信用异议和修复处理结果"),
        _("您对%(name)s的信用记录“%(fact)s”提出的%(kind)s已处理：%(status)s。理由：%(reason)s。"
          "详见“我的信用”。")),
    NotifyEvent.PAYMENT_DUE: Wording(
        _("请缴纳税费"),
        _("您申请的“%(title)s”（办件号 %(number)s）应缴税费 %(amount)s 元（%(charges)s），"
          "请登录“我的办件”在线缴纳，无需到银行或税务大厅。")),
    NotifyEvent.PAID: Wording(
        _("税费已缴纳"),
        _("您为“%(title)s”（办件号 %(number)s）缴纳的 %(amount)s 元已到账，"
          "电子票据 %(receipt)s 可在“我的办件”下载。")),
    NotifyEvent.REFUNDED: Wording(
        _("税费已退还"),
        _("您为“%(title)s”（办件号 %(number)s）缴纳的 %(amount)s 元已原路退还，"
          "原因：%(reason)s。")),
    NotifyEvent.TOWN_ASSESSED: Wording(
        _("特色小镇考核结果已公布"),
        _("%(town)s %(year)s 年度考核结果已公布：%(result)s（%(total)s 分）。"
          "奖惩在结算后记入台账。")),
    NotifyEvent.AWARD_REVIEW: Wording(
        _("请评审创新案例"),
        _("您已被抽取为“%(call)s”专家初评评审专家，请登录评审 %(count)s 个案例"
          "（匿名评审：案例不显示申报单位）。")),
    NotifyEvent.AWARD_RESULT: Wording(
        _("创新案例评选结果已公布"),
        _("“%(call)s”评选结果已公布，您单位申报的“%(title)s”：%(outcome)s。")),
}


class _Blank(dict[str, Any]):
    """A value the event did not record reads as empty rather than failing."""

    def __missing__(self, key: str) -> str:
        return ""


def wording_render(*, event: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """The subject and text of a message, in the active language."""
    wording = WORDINGS[event]
    return str(wording.subject), str(wording.text) % _Blank(context)
