"""Fiscal years and accounting periods (months). Pure Python: no Django import."""

from __future__ import annotations

import datetime


def fiscal_year(day: datetime.date, start_month: int = 1) -> int:
    """The fiscal year `day` falls in, named by the calendar year it starts in
    (start month 7: 15.03.2026 is in fiscal year 2025, i.e. 2025/26)."""
    return day.year if day.month >= start_month else day.year - 1


def fiscal_year_start(year: int, start_month: int = 1) -> datetime.date:
    return datetime.date(year, start_month, 1)


def fiscal_year_end(year: int, start_month: int = 1) -> datetime.date:
    start = fiscal_year_start(year + 1, start_month)
    return start - datetime.timedelta(days=1)


def fiscal_year_label(year: int, start_month: int = 1) -> str:
    return str(year) if start_month == 1 else f"{year}/{(year + 1) % 100:02d}"


def month_end(year: int, month: int) -> datetime.date:
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def add_days(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)
