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


def test_query_dates_and_months_are_parsed_in_one_place_with_one_bound():
    from datetime import date

    from inducci_events.core.errors import ValidationFailed
    from inducci_events.core.timeutil import parse_date, parse_month

    assert parse_date("2026-03-10", "from") == date(2026, 3, 10)
    assert parse_date("", "from", default=date(2026, 1, 1)) == date(2026, 1, 1)
    assert parse_month("2200-12", "month") == date(2200, 12, 1)
    assert parse_month("1900-01", "month") == date(1900, 1, 1)
    for text, parse in [("0001-01-01", parse_date), ("9999-12-31", parse_date), ("2026-02-30", parse_date),
                        ("２０２６-０１-０１", parse_date), ("0000-01", parse_month), ("9999-12", parse_month),
                        ("2026-13", parse_month), ("99999999999999999999", parse_month)]:
        with pytest.raises(ValidationFailed) as refused:
            parse(text, "when")
        assert refused.value.status == 422 and list(refused.value.fields) == ["when"], text


def test_api_timestamps_outside_the_years_are_refused():
    with pytest.raises(ValueError):
        parse_iso_datetime("9999-12-31T23:59:59-14:00")  # would overflow converted to UTC
    with pytest.raises(ValueError):
        parse_iso_datetime("0001-01-01T00:00:00+00:00")
