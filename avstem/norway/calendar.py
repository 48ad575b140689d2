"""The Norwegian bank calendar: which days are business days (virkedager).

A business day is Monday-Friday that is neither a public holiday (holidays.Norway: New Year's
Day, Maundy Thursday, Good Friday, Easter Monday, 1 May, 17 May, Ascension Day, Whit Monday,
25 and 26 December; Easter and Whit days move every year) nor 24 or 31 December, when the
banks' settlement is closed. holidays.Norway can also count every Sunday as a holiday
(include_sundays); it is turned off explicitly, as weekends are handled here.

Holiday sets are built lazily, once per year, and cached as frozensets: the functions are cheap
enough to call in loops over a year of statements.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from types import MappingProxyType

import holidays

_BANK_CLOSED_DAYS = {
    (12, 24): "Julaften (bankene stengt)",
    (12, 31): "Nyttårsaften (bankene stengt)",
}
_ONE_DAY = datetime.timedelta(days=1)


@functools.cache
def bank_holiday_names(year: int) -> Mapping[datetime.date, str]:
    """Every bank holiday of `year` with its Norwegian name, in date order, including those that
    fall on a weekend (17 May on a Saturday). Read-only: it is cached."""
    public = holidays.Norway(years=year, language="no", include_sundays=False)
    names = dict(public.items())
    for (month, day), name in _BANK_CLOSED_DAYS.items():
        names.setdefault(datetime.date(year, month, day), name)
    return MappingProxyType(dict(sorted(names.items())))


@functools.cache
def bank_holidays(year: int) -> frozenset[datetime.date]:
    """The dates of `year` on which banks are closed besides weekends (and some on weekends)."""
    return frozenset(bank_holiday_names(year))


def holiday_name(d: datetime.date) -> str | None:
    """The Norwegian name of the bank holiday on `d`, or None."""
    d = _as_date(d)
    return bank_holiday_names(d.year).get(d)


def is_business_day(d: datetime.date) -> bool:
    """Monday-Friday and not a bank holiday."""
    d = _as_date(d)
    return d.weekday() < 5 and d not in bank_holidays(d.year)


def business_day_on_or_after(d: datetime.date) -> datetime.date:
    """`d` itself if it is a business day, else the next one (payment dates roll forward)."""
    d = _as_date(d)
    while not is_business_day(d):
        d += _ONE_DAY
    return d


def business_day_on_or_before(d: datetime.date) -> datetime.date:
    """`d` itself if it is a business day, else the previous one."""
    d = _as_date(d)
    while not is_business_day(d):
        d -= _ONE_DAY
    return d


def next_business_day(d: datetime.date) -> datetime.date:
    """The first business day strictly after `d`."""
    return business_day_on_or_after(_as_date(d) + _ONE_DAY)


def previous_business_day(d: datetime.date) -> datetime.date:
    """The last business day strictly before `d`."""
    return business_day_on_or_before(_as_date(d) - _ONE_DAY)


def add_business_days(d: datetime.date, n: int) -> datetime.date:
    """The n-th business day after `d` (n > 0) or before it (n < 0).

    n = 0 gives `business_day_on_or_after(d)`: `d` itself on a business day, else the next
    business day, as a payment due on a holiday is executed on the next business day.
    Counting starts from `d` whether or not `d` is a business day: add_business_days(Saturday, 1)
    is Monday (when Monday is a business day).
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, not {type(n).__name__}")
    d = _as_date(d)
    if n == 0:
        return business_day_on_or_after(d)
    step = next_business_day if n > 0 else previous_business_day
    for _ in range(abs(n)):
        d = step(d)
    return d


def business_days_between(start: datetime.date, end: datetime.date) -> int:
    """The signed number of business-day steps from `start` to `end`.

    For end >= start: business days d with start < d <= end. For end < start: minus the
    business days d with end <= d < start. So add_business_days(start,
    business_days_between(start, end)) == end whenever `end` is a business day other than start.
    """
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -_count_business_days(end, start - _ONE_DAY)
    return _count_business_days(start + _ONE_DAY, end)


def business_days_in_range(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Every business day from `first` to `last`, both included."""
    first, last = _as_date(first), _as_date(last)
    days = []
    d = first
    while d <= last:
        if is_business_day(d):
            days.append(d)
        d += _ONE_DAY
    return days


def _count_business_days(first: datetime.date, last: datetime.date) -> int:
    """Business days from `first` to `last` inclusive (0 when last < first), in O(years)."""
    if last < first:
        return 0
    weekdays = _weekdays_through(last.toordinal()) - _weekdays_through(first.toordinal() - 1)
    holidays_on_weekdays = sum(
        1
        for year in range(first.year, last.year + 1)
        for h in bank_holidays(year)
        if first <= h <= last and h.weekday() < 5
    )
    return weekdays - holidays_on_weekdays


def _weekdays_through(ordinal: int) -> int:
    """Monday-Fridays among the day ordinals 1..`ordinal` (ordinal 1, date(1, 1, 1), is a Monday)."""
    full_weeks, rest = divmod(ordinal, 7)
    return full_weeks * 5 + min(rest, 5)


def _as_date(d: datetime.date) -> datetime.date:
    # A datetime is a date subclass; comparing it with the cached dates would silently fail.
    if isinstance(d, datetime.datetime):
        return d.date()
    if not isinstance(d, datetime.date):
        raise TypeError(f"expected a date, not {type(d).__name__}")
    return d
