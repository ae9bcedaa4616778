"""Template filters: one-liners over tested helpers in kyodo.fiscal."""

from datetime import date, datetime

from django import template
from django.utils import timezone

from kyodo import fiscal

register = template.Library()


@register.filter
def nendo(fiscal_year: int | None) -> str:
    """2025 → 令和7年度（2025年度）."""
    return fiscal.nendo_label(fiscal_year) if fiscal_year else ""


@register.filter
def nendo_short(fiscal_year: int | None) -> str:
    """2025 → 令和7年度."""
    return fiscal.nendo_label(fiscal_year, seireki=False) if fiscal_year else ""


@register.filter
def wareki(value: date | datetime | None) -> str:
    """A date as 令和7年4月1日 (a datetime in local time, with its time)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{fiscal.wareki_date(local.date())} {local:%H:%M}"
    return fiscal.wareki_date(value)


@register.filter
def yen(value: int | None) -> str:
    """12000 → 12,000円."""
    return fiscal.format_yen(value)
