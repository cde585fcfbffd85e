"""Business days in the center's time zone (settings.TIME_ZONE): no weekends, no US federal holidays.

Holidays come from the ``holidays`` package's US public calendar, which is the federal one and
includes the observed days (July 4th on a Saturday is observed on Friday the 3rd).
"""

import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings


@lru_cache(maxsize=64)
def federal_holidays(year):
    """The dates of one year's US federal holidays, observed days included."""
    return frozenset(holidays.country_holidays("US", years=year, categories=holidays.PUBLIC))


def is_business_day(day):
    """A weekday that is not a federal holiday."""
    return day.weekday() < 5 and day not in federal_holidays(day.year)


def local_date(value):
    """The calendar day of a datetime in the center's time zone (a date is returned as it is)."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:  # naive values are taken as already local
            return value.date()
        return value.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    return value


def _weekdays_through(day):
    """Weekdays from 0001-01-01 (a Monday) through ``day``."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def business_days_between(start, end):
    """Business days after ``start``'s day up to and including ``end``'s day (negative if end is earlier)."""
    first, last = local_date(start), local_date(end)
    if last < first:
        return -business_days_between(end, start)
    weekdays = _weekdays_through(last) - _weekdays_through(first)
    closed = sum(
        1
        for year in range(first.year, last.year + 1)
        for day in federal_holidays(year)
        if first < day <= last and day.weekday() < 5
    )
    return weekdays - closed


def due_date(start, business_days):
    """``start`` plus N business days: the same local time (aware) on the Nth business day after its day."""
    if business_days < 0:
        raise ValueError("business_days must not be negative")
    day = local_date(start)
    counted = 0
    while counted < business_days:
        day += datetime.timedelta(days=1)
        counted += is_business_day(day)
    if not isinstance(start, datetime.datetime):
        return day
    zone = ZoneInfo(settings.TIME_ZONE)
    wall_time = (start.astimezone(zone) if start.tzinfo else start).time()
    return datetime.datetime.combine(day, wall_time, tzinfo=zone)
