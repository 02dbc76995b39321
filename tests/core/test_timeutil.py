from datetime import datetime, timezone

import pytest

from inducci_events.core.timeutil import is_valid_timezone, local_to_utc, parse_iso_datetime, utc_to_local


@pytest.mark.parametrize("month", [7, 12])
def test_six_pm_in_vienna_stays_six_pm_in_summer_and_winter(month):
    utc = local_to_utc(datetime(2026, month, 10, 18, 0), "Europe/Vienna")
    assert utc.hour == (16 if month == 7 else 17)
    assert utc_to_local(utc, "Europe/Vienna").hour == 18


def test_the_day_of_the_spring_change_in_rome():
    before = local_to_utc(datetime(2026, 3, 28, 14, 0), "Europe/Rome")
    after = local_to_utc(datetime(2026, 3, 31, 14, 0), "Europe/Rome")
    assert (before.hour, after.hour) == (13, 12)


def test_api_timestamps_need_an_offset():
    assert parse_iso_datetime("2026-03-10T09:00:00+01:00") == datetime(2026, 3, 10, 8, 0, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        parse_iso_datetime("2026-03-10T09:00:00")
    with pytest.raises(ValueError):
        parse_iso_datetime("next tuesday")


def test_time_zone_names_are_checked():
    assert is_valid_timezone("Europe/Ljubljana")
    assert not is_valid_timezone("Europe/Atlantis")
    assert not is_valid_timezone("")
