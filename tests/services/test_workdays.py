"""Working-day arithmetic across the real 2026 holidays (as chinese_calendar 1.11 publishes them) and into a
year nobody has announced."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from services import workdays
from services.workdays import WorkCalendar

D = dt.date


def test_library_data_for_2026_is_what_the_tests_assume():
    # State Council 2026 arrangement: 春节 2/15–2/23 with adjusted working Saturdays 2/14 and 2/28;
    # 国庆节 10/1–10/7 with adjusted working days Sunday 9/20 and Saturday 10/10.
    spring = [D(2026, 2, d) for d in range(15, 24)]
    national = [D(2026, 10, d) for d in range(1, 8)]
    assert all(chinese_calendar.is_holiday(d) for d in spring + national)
    assert all(chinese_calendar.is_workday(d) for d in (D(2026, 2, 14), D(2026, 2, 28), D(2026, 9, 20), D(2026, 10, 10)))
    assert workdays.library_knows(2026)
    assert not workdays.library_knows(2031)


def test_spring_festival_2026():
    cal = WorkCalendar()
    # Friday 13 Feb + 1 = Saturday 14 Feb, an adjusted working day
    assert cal.add_workdays(D(2026, 2, 13), 1) == workdays.DateAnswer(D(2026, 2, 14), False)
    # + 2 skips the nine days of 春节 (15–23 Feb) to Tuesday 24 Feb
    assert cal.add_workdays(D(2026, 2, 13), 2).date == D(2026, 2, 24)
    # a 10-working-day limit accepted on Wed 11 Feb: 12,13,14(Sat),24,25,26,27,28(Sat),2 Mar,3 Mar
    assert cal.add_workdays(D(2026, 2, 11), 10).date == D(2026, 3, 3)
    # 13 Feb → 28 Feb: 14, 24, 25, 26, 27, 28 = 6 working days
    assert cal.count_workdays(D(2026, 2, 13), D(2026, 2, 28)) == workdays.CountAnswer(6, False)
    assert cal.day(D(2026, 2, 17)) == workdays.DayAnswer(False, False, "春节")
    assert cal.day(D(2026, 2, 28)).workday is True and cal.day(D(2026, 2, 28)).name == "春节"
    # an ordinary Sunday is not a working day
    assert cal.day(D(2026, 3, 1)).workday is False


def test_national_day_2026():
    cal = WorkCalendar()
    # Sunday 20 Sep is an adjusted working day
    assert cal.add_workdays(D(2026, 9, 18), 1).date == D(2026, 9, 20)
    # Wed 30 Sep + 1 jumps the 国庆 week to Thursday 8 Oct; + 3 reaches Saturday 10 Oct (adjusted)
    assert cal.add_workdays(D(2026, 9, 30), 1).date == D(2026, 10, 8)
    assert cal.add_workdays(D(2026, 9, 30), 3).date == D(2026, 10, 10)
    assert cal.add_workdays(D(2026, 9, 30), 4).date == D(2026, 10, 12)
    # 24 Sep → 11 Oct: 中秋 25–27 Sep off, then 28, 29, 30 Sep and 8, 9, 10 Oct
    assert cal.count_workdays(D(2026, 9, 24), D(2026, 10, 11)) == workdays.CountAnswer(6, False)
    assert cal.day(D(2026, 9, 20)).workday and cal.day(D(2026, 10, 10)).workday
    assert not cal.day(D(2026, 10, 1)).workday


def test_unannounced_year_is_weekends_only_and_provisional():
    cal = WorkCalendar()
    # 2031-01-01 is a Wednesday; nobody has announced 2031: 元旦 is treated as a working day, provisionally
    answer = cal.add_workdays(D(2030, 12, 31), 1)
    assert answer == workdays.DateAnswer(D(2031, 1, 1), True)
    # Friday 3 Jan 2031 + 1 = Monday 6 Jan (weekend skipped)
    assert cal.add_workdays(D(2031, 1, 3), 1) == workdays.DateAnswer(D(2031, 1, 6), True)
    assert cal.count_workdays(D(2031, 1, 1), D(2031, 1, 8)) == workdays.CountAnswer(5, True)
    # a computation that stays inside a known year is not provisional
    assert cal.add_workdays(D(2026, 12, 28), 3) == workdays.DateAnswer(D(2026, 12, 31), False)
    # crossing from a known into an unknown year is
    assert cal.add_workdays(D(2026, 12, 30), 5).provisional is True


def test_overrides_make_an_unannounced_year_definitive():
    cal = WorkCalendar.from_rows([(D(2031, 1, 1), False, "元旦"), (D(2031, 1, 4), True, "元旦调休")])
    assert cal.day(D(2031, 1, 1)) == workdays.DayAnswer(False, False, "元旦")
    assert cal.day(D(2031, 1, 4)).workday is True  # a Saturday worked
    assert cal.add_workdays(D(2030, 12, 31), 1) == workdays.DateAnswer(D(2031, 1, 2), False)
    assert cal.add_workdays(D(2031, 1, 3), 1) == workdays.DateAnswer(D(2031, 1, 4), False)
    # other days of the entered year follow the weekends rule, not provisional
    assert cal.day(D(2031, 3, 5)) == workdays.DayAnswer(True, False, "")
    # an override also corrects a year the library knows
    corrected = WorkCalendar.from_rows([(D(2026, 3, 2), False, "临时调整")])
    assert corrected.add_workdays(D(2026, 2, 27), 2).date == D(2026, 3, 3)


def test_zero_and_bounds():
    cal = WorkCalendar()
    assert cal.add_workdays(D(2026, 2, 16), 0).date == D(2026, 2, 16)
    assert cal.count_workdays(D(2026, 3, 5), D(2026, 3, 1)).days == 0
    import pytest

    with pytest.raises(ValueError):
        cal.add_workdays(D(2026, 1, 1), -1)


@settings(max_examples=60, deadline=None)
@given(start=st.dates(min_value=D(2024, 1, 1), max_value=D(2032, 12, 31)), n=st.integers(min_value=1, max_value=40))
def test_add_and_count_agree(start, n):
    cal = WorkCalendar()
    end = cal.add_workdays(start, n)
    assert cal.count_workdays(start, end.date).days == n
    assert cal.day(end.date).workday
    assert end.provisional == (end.date.year > 2026)
