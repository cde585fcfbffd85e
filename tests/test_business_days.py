"""Business days skip weekends and US federal holidays, counted in the center's time zone."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from requests_app.business_days import business_days_between, due_date, federal_holidays, is_business_day

NEW_YORK = ZoneInfo("America/New_York")


def at(year, month, day, hour=10, zone=NEW_YORK):
    return datetime.datetime(year, month, day, hour, tzinfo=zone)


@pytest.fixture(autouse=True)
def _new_york(settings):
    settings.TIME_ZONE = "America/New_York"


def test_a_weekend_is_not_counted():
    friday = at(2026, 11, 13)

    assert due_date(friday, 1) == at(2026, 11, 16)  # Monday
    assert due_date(friday, 5) == at(2026, 11, 20)
    assert business_days_between(friday, at(2026, 11, 15)) == 0  # Saturday and Sunday
    assert business_days_between(friday, at(2026, 11, 16, 9)) == 1


def test_thanksgiving_is_not_counted():
    wednesday_before = at(2026, 11, 25)

    # Fri 27, Mon 30, Tue 1, Wed 2, Thu 3: Thanksgiving (Thu 26) and the weekend are skipped.
    assert due_date(wednesday_before, 5) == at(2026, 12, 3)
    assert business_days_between(wednesday_before, at(2026, 11, 30)) == 2


def test_july_fourth_on_a_saturday_is_observed_on_the_friday():
    assert not is_business_day(datetime.date(2026, 7, 3))
    assert due_date(at(2026, 7, 2), 1) == at(2026, 7, 6)
    assert business_days_between(at(2026, 7, 2), at(2026, 7, 6)) == 1


def test_july_fourth_on_a_sunday_is_observed_on_the_monday():
    assert not is_business_day(datetime.date(2027, 7, 5))
    assert due_date(at(2027, 7, 2), 1) == at(2027, 7, 6)  # Friday to Tuesday


def test_holidays_observed_across_a_year_end():
    # Christmas 2027 is observed Friday the 24th, New Year's Day 2028 on Friday the 31st.
    assert due_date(at(2027, 12, 23), 2) == at(2027, 12, 28)
    assert business_days_between(at(2027, 12, 23), at(2028, 1, 3)) == 5


def test_days_are_counted_in_the_centers_time_zone():
    # 02:00 UTC on Tuesday is still Monday evening in New York: Tuesday is the first business day after it.
    monday_evening = datetime.datetime(2026, 11, 24, 2, tzinfo=datetime.UTC)

    assert due_date(monday_evening, 1) == at(2026, 11, 24, 21)
    assert business_days_between(monday_evening, at(2026, 11, 25, 12)) == 2


def test_time_zone_follows_the_setting(settings):
    friday_utc = datetime.datetime(2026, 11, 13, 16, tzinfo=datetime.UTC)
    sunday_utc = datetime.datetime(2026, 11, 15, 16, tzinfo=datetime.UTC)
    assert business_days_between(friday_utc, sunday_utc) == 0  # Friday to Sunday in New York

    settings.TIME_ZONE = "Asia/Tokyo"
    # The same instants are Saturday 01:00 and Monday 01:00 in Tokyo.
    assert business_days_between(friday_utc, sunday_utc) == 1
    assert due_date(friday_utc, 1) == datetime.datetime(2026, 11, 16, 1, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert due_date(friday_utc, 1) == sunday_utc


def test_counting_agrees_with_walking_day_by_day_over_two_years():
    start = datetime.date(2026, 1, 1)
    days = [start + datetime.timedelta(days=n) for n in range(0, 730, 3)]
    business = {d for d in (start + datetime.timedelta(days=n) for n in range(800)) if is_business_day(d)}
    for first in days[::7]:
        for last in days:
            walked = sum(1 for d in business if first < d <= last) - sum(1 for d in business if last < d <= first)
            assert business_days_between(first, last) == walked, (first, last)


def test_due_date_is_a_business_day_that_many_business_days_later():
    for offset in range(0, 400, 5):
        start = at(2026, 1, 2) + datetime.timedelta(days=offset)
        for n in (1, 5, 10):
            due = due_date(start, n)
            assert is_business_day(due.date())
            assert business_days_between(start, due) == n
            assert business_days_between(start, due - datetime.timedelta(days=1)) == n - 1


def test_federal_holidays_only():
    names_2026 = federal_holidays(2026)

    assert datetime.date(2026, 11, 26) in names_2026  # Thanksgiving
    assert datetime.date(2026, 6, 19) in names_2026  # Juneteenth
    assert datetime.date(2026, 11, 27) not in names_2026  # the day after is not a federal holiday
    assert len([d for d in names_2026 if d.weekday() < 5]) == 11


def test_negative_business_days_are_refused_and_reversed_ranges_count_backwards():
    with pytest.raises(ValueError):
        due_date(at(2026, 11, 13), -1)
    assert business_days_between(at(2026, 11, 20), at(2026, 11, 13)) == -5
