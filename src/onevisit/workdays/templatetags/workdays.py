from django import template

from onevisit.workdays.calendar import limit_text

register = template.Library()


@register.filter(name="limit_text")
def limit_text_filter(limit: int, unit: str) -> str:
    """`{{ item.committed_limit|limit_text:item.limit_unit }}`: "15 分钟（按工作时间计算）"."""
    return limit_text(limit=limit, unit=unit)
