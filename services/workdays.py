"""Chinese working days (工作日): statutory holidays and adjusted working days (调休), no Django.

Built on ``chinese_calendar`` (which knows the years already announced by the State Council) plus
staff-entered overrides for later years (``services.HolidayOverride`` rows, fed in by
``services.selectors.workday_calendar()``).

How a date is decided, first rule that applies:
1. an override for that date (staff entry) — definitive;
2. the library, if it knows the year — definitive;
3. a year for which staff have entered at least one override — weekends rule, definitive
   (staff entered that year's holidays, the other days are ordinary);
4. otherwise the weekends rule (Mon–Fri work), marked **provisional**: the year's holidays are not
   announced yet. Never an exception.

Conventions (the usual 办理时限 rule: the day of acceptance does not count, the limit runs from the next day):
- ``add_workdays(start, n)`` is the n-th working day strictly after ``start`` (n ≥ 1); ``n == 0`` gives ``start``.
- ``count_workdays(start, end)`` counts working days d with ``start < d <= end`` (0 when end <= start).
Every answer carries ``provisional``: True if any date it looked at fell under rule 4.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import chinese_calendar

MAX_WORKDAYS = 3660  # a guard: no time limit in the catalogue is anywhere near ten years


@dataclass(frozen=True)
class DayAnswer:
    workday: bool
    provisional: bool
    name: str = ""


@dataclass(frozen=True)
class DateAnswer:
    date: dt.date
    provisional: bool


@dataclass(frozen=True)
class CountAnswer:
    days: int
    provisional: bool


@lru_cache(maxsize=64)
def library_knows(year: int) -> bool:
    """Whether ``chinese_calendar`` has the State Council's announcement for ``year``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def library_years() -> tuple[int, int]:
    """The first and last year the installed library knows."""
    years = sorted({d.year for d in chinese_calendar.constants.holidays})
    return years[0], years[-1]


@dataclass(frozen=True)
class WorkCalendar:
    """The library plus overrides ``{date: (is_workday, name)}``."""

    overrides: Mapping[dt.date, tuple[bool, str]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[dt.date, bool, str]]) -> WorkCalendar:
        return cls({d: (bool(w), n or "") for d, w, n in rows})

    def _override_years(self) -> frozenset[int]:
        cached = self.__dict__.get("_years")
        if cached is None:
            cached = frozenset(d.year for d in self.overrides)
            object.__setattr__(self, "_years", cached)
        return cached

    def day(self, date: dt.date) -> DayAnswer:
        if date in self.overrides:
            workday, name = self.overrides[date]
            return DayAnswer(workday, False, name)
        if library_knows(date.year):
            holiday, name = chinese_calendar.get_holiday_detail(date)  # (is_holiday, English name or None)
            return DayAnswer(not holiday, False, _holiday_name(name))
        weekday = date.weekday() < 5
        return DayAnswer(weekday, date.year not in self._override_years())

    def is_workday(self, date: dt.date) -> DayAnswer:
        return self.day(date)

    def add_workdays(self, start: dt.date, n: int) -> DateAnswer:
        if n < 0:
            raise ValueError("n must be >= 0")
        if n > MAX_WORKDAYS:
            raise ValueError(f"n must be <= {MAX_WORKDAYS}")
        provisional = False
        date = start
        left = n
        while left:
            date += dt.timedelta(days=1)
            answer = self.day(date)
            provisional = provisional or answer.provisional
            if answer.workday:
                left -= 1
        return DateAnswer(date, provisional)

    def count_workdays(self, start: dt.date, end: dt.date) -> CountAnswer:
        provisional = False
        days = 0
        date = start
        while date < end:
            date += dt.timedelta(days=1)
            answer = self.day(date)
            provisional = provisional or answer.provisional
            days += answer.workday
        return CountAnswer(days, provisional)

    def next_workday(self, date: dt.date) -> DateAnswer:
        return self.add_workdays(date, 1)


HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _holiday_name(name) -> str:
    # the library answers the English name of the holiday (also on its adjusted working days) or None
    if not name:
        return ""
    return HOLIDAY_NAMES_ZH.get(name, name)


DEFAULT = WorkCalendar()


def add_workdays(start: dt.date, n: int, calendar: WorkCalendar = DEFAULT) -> DateAnswer:
    return calendar.add_workdays(start, n)


def count_workdays(start: dt.date, end: dt.date, calendar: WorkCalendar = DEFAULT) -> CountAnswer:
    return calendar.count_workdays(start, end)


def is_workday(date: dt.date, calendar: WorkCalendar = DEFAULT) -> DayAnswer:
    return calendar.day(date)
