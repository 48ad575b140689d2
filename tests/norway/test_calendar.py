"""The Norwegian bank calendar."""

from __future__ import annotations

import datetime
import time

import pytest
from dateutil.easter import easter
from hypothesis import given
from hypothesis import strategies as st

from avstem.norway.calendar import (
    add_business_days,
    bank_holiday_names,
    bank_holidays,
    business_day_on_or_after,
    business_day_on_or_before,
    business_days_between,
    business_days_in_range,
    holiday_name,
    is_business_day,
    next_business_day,
    previous_business_day,
)

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
dates = st.dates(D(1990, 1, 1), D(2060, 12, 31))


# --- Calendar facts --------------------------------------------------------------------------------

EASTER_WEEKS = {
    # year: (Maundy Thursday, Good Friday, Easter Monday, Ascension Day, Whit Monday)
    2024: (D(2024, 3, 28), D(2024, 3, 29), D(2024, 4, 1), D(2024, 5, 9), D(2024, 5, 20)),
    2025: (D(2025, 4, 17), D(2025, 4, 18), D(2025, 4, 21), D(2025, 5, 29), D(2025, 6, 9)),
    2026: (D(2026, 4, 2), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 14), D(2026, 5, 25)),
}


@pytest.mark.parametrize("year", sorted(EASTER_WEEKS))
def test_moving_holidays(year):
    for day in EASTER_WEEKS[year]:
        assert day.weekday() < 5
        assert not is_business_day(day), day
    maundy, good_friday, easter_monday, ascension, whit_monday = EASTER_WEEKS[year]
    assert holiday_name(maundy) == "Skjærtorsdag"
    assert holiday_name(good_friday) == "Langfredag"
    assert holiday_name(easter_monday) == "Andre påskedag"
    assert holiday_name(ascension) == "Kristi himmelfartsdag"
    assert holiday_name(whit_monday) == "Andre pinsedag"
    # The Wednesday before Easter and the Tuesday after are ordinary business days.
    assert is_business_day(maundy - ONE_DAY)
    assert is_business_day(easter_monday + ONE_DAY)


def test_fixed_holidays_and_bank_closed_days():
    assert not is_business_day(D(2024, 5, 17))  # Friday, Constitution Day
    assert not is_business_day(D(2025, 5, 1))  # Thursday, Labour Day
    assert not is_business_day(D(2026, 1, 1))  # Thursday
    for year in (2024, 2025, 2026, 2027):
        for day in (24, 25, 26, 31):
            assert D(year, 12, day) in bank_holidays(year)
            assert not is_business_day(D(year, 12, day))
    # 24 and 31 December are not public holidays, only bank holidays.
    assert holiday_name(D(2025, 12, 24)) == "Julaften (bankene stengt)"
    assert holiday_name(D(2025, 12, 31)) == "Nyttårsaften (bankene stengt)"
    assert holiday_name(D(2025, 12, 23)) is None
    assert is_business_day(D(2025, 12, 23))  # Tuesday
    assert is_business_day(D(2025, 12, 30))  # Tuesday


def test_weekends_are_never_business_days_and_sundays_are_not_listed_as_holidays():
    assert not is_business_day(D(2025, 5, 17))  # Saturday and a holiday
    assert not is_business_day(D(2025, 3, 8))  # ordinary Saturday
    assert not is_business_day(D(2025, 3, 9))  # ordinary Sunday
    assert is_business_day(D(2025, 3, 10))  # Monday
    ordinary_sundays = [d for d in bank_holidays(2025) if d.weekday() == 6]
    assert sorted(ordinary_sundays) == [D(2025, 4, 20), D(2025, 6, 8)]  # Easter and Whit Sunday


def test_whole_year_counts():
    # 2025: 261 weekdays, 11 bank holidays on weekdays (17 May is a Saturday).
    assert len(business_days_in_range(D(2025, 1, 1), D(2025, 12, 31))) == 250
    assert business_days_between(D(2024, 12, 31), D(2025, 12, 31)) == 250
    # 2024 is a leap year with 262 weekdays and 12 bank holidays on weekdays.
    assert len(business_days_in_range(D(2024, 1, 1), D(2024, 12, 31))) == 250


def test_holiday_names_are_norwegian_whatever_the_process_locale(monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    names = bank_holiday_names(2031)
    assert names[D(2031, 5, 17)] == "Grunnlovsdag"
    assert names[D(2031, 1, 1)] == "Første nyttårsdag"
    assert list(names) == sorted(names)
    with pytest.raises(TypeError):
        names[D(2031, 6, 1)] = "no"  # cached: read-only


# --- Stepping ----------------------------------------------------------------------------------------


def test_adding_business_days_across_easter_and_christmas():
    assert add_business_days(D(2025, 4, 16), 1) == D(2025, 4, 22)  # Wednesday -> Tuesday after Easter
    assert add_business_days(D(2025, 4, 16), 2) == D(2025, 4, 23)
    assert add_business_days(D(2025, 4, 22), -1) == D(2025, 4, 16)
    assert add_business_days(D(2025, 12, 23), 1) == D(2025, 12, 29)
    assert add_business_days(D(2025, 12, 30), 1) == D(2026, 1, 2)
    assert add_business_days(D(2024, 5, 16), 1) == D(2024, 5, 21)  # 17 May Fri, Whit Monday 20 May
    assert business_days_between(D(2025, 4, 16), D(2025, 4, 22)) == 1
    assert business_days_between(D(2025, 4, 22), D(2025, 4, 16)) == -1


def test_zero_days_rolls_forward_only_when_needed():
    assert add_business_days(D(2025, 4, 16), 0) == D(2025, 4, 16)
    assert add_business_days(D(2025, 4, 17), 0) == D(2025, 4, 22)
    assert add_business_days(D(2025, 3, 8), 1) == D(2025, 3, 10)  # from a Saturday
    assert add_business_days(D(2025, 3, 8), -1) == D(2025, 3, 7)


def test_on_or_after_and_strictly_after():
    wednesday, maundy = D(2025, 4, 16), D(2025, 4, 17)
    assert business_day_on_or_after(wednesday) == wednesday
    assert next_business_day(wednesday) == D(2025, 4, 22)
    assert business_day_on_or_after(maundy) == D(2025, 4, 22)
    assert business_day_on_or_before(maundy) == wednesday
    assert previous_business_day(wednesday) == D(2025, 4, 15)
    assert previous_business_day(D(2025, 4, 22)) == wednesday


def test_datetimes_count_as_their_date_and_other_types_are_refused():
    assert is_business_day(datetime.datetime(2025, 4, 16, 23, 59)) is True
    assert next_business_day(datetime.datetime(2025, 4, 16, 12)) == D(2025, 4, 22)
    with pytest.raises(TypeError):
        is_business_day("2025-04-16")
    with pytest.raises(TypeError):
        add_business_days(D(2025, 4, 16), 1.0)


# --- Properties ------------------------------------------------------------------------------------


@given(st.integers(1950, 2100))
def test_easter_based_holidays_follow_dateutils_easter(year):
    sunday = easter(year)
    for offset in (-3, -2, 1, 39, 50):
        assert not is_business_day(sunday + datetime.timedelta(days=offset))
    assert is_business_day(sunday - datetime.timedelta(days=4))  # Wednesday of Holy Week
    # Only 1 Jan, 1 May, 17 May and 24-26 and 31 Dec besides the Easter/Whit days.
    fixed = {(1, 1), (5, 1), (5, 17), (12, 24), (12, 25), (12, 26), (12, 31)}
    moving = {sunday + datetime.timedelta(days=o) for o in (-3, -2, 0, 1, 39, 49, 50)}
    assert bank_holidays(year) == moving | {D(year, m, d) for m, d in fixed}


@given(dates)
def test_next_and_previous_are_the_nearest_business_days(d):
    after, before = next_business_day(d), previous_business_day(d)
    assert before < d < after
    assert is_business_day(after) and is_business_day(before)
    assert not any(is_business_day(x) for x in _days(d + ONE_DAY, after - ONE_DAY))
    assert not any(is_business_day(x) for x in _days(before + ONE_DAY, d - ONE_DAY))
    assert (after - d).days <= 6  # longest closure: Maundy Thursday to Easter Monday + weekend


@given(dates, st.integers(-300, 300))
def test_add_and_count_agree_with_brute_force(d, n):
    target = add_business_days(d, n)
    assert is_business_day(target)
    if n > 0:
        assert target > d and len(business_days_in_range(d + ONE_DAY, target)) == n
    elif n < 0:
        assert target < d and len(business_days_in_range(target, d - ONE_DAY)) == -n
    if n != 0 or is_business_day(d):
        assert business_days_between(d, target) == n
    if is_business_day(d):
        assert add_business_days(target, -n) == d


@given(dates, st.integers(1, 60), st.integers(0, 60))
def test_adding_is_additive(d, a, b):
    assert add_business_days(add_business_days(d, a), b) == add_business_days(d, a + b)
    assert add_business_days(add_business_days(d, -a), -b) == add_business_days(d, -a - b)


@given(dates, dates)
def test_between_is_antisymmetric_and_matches_a_day_by_day_count(start, end):
    count = business_days_between(start, end)
    if end >= start:
        assert count == len(business_days_in_range(start + ONE_DAY, end))
    else:
        assert count == -len(business_days_in_range(end, start - ONE_DAY))
    if is_business_day(start) and is_business_day(end):
        assert business_days_between(end, start) == -count


def test_fast_enough_for_a_loop_over_years_of_statements():
    days = list(_days(D(2020, 1, 1), D(2029, 12, 31)))
    began = time.perf_counter()
    for d in days:
        is_business_day(d)
        next_business_day(d)
    business_days_between(D(1990, 1, 1), D(2060, 1, 1))
    assert time.perf_counter() - began < 1.0  # about 20 ms here


def _days(first: datetime.date, last: datetime.date):
    while first <= last:
        yield first
        first += ONE_DAY
