"""When feedback opens and when people are written to: pure date arithmetic, no database.

* Answers are taken once the event's **last session has ended**.
* The invitation goes out **the day after** that session ended, counted in the event's own
  zone (from local midnight), so a Padova evening performance is asked about the next
  morning in Padova, not at a UTC midnight.
* The reminder follows :data:`REMINDER_AFTER` later, to those who have not answered.
* Nobody is written to once :data:`MAIL_WINDOW` has passed since the invitation day: a
  questionnaire attached long after an event, or a timer that was off for weeks, does not
  send mail about events people have forgotten.
"""
from datetime import datetime, time, timedelta

from ..core.timeutil import local_to_utc, utc_to_local

REMINDER_AFTER = timedelta(days=3)
MAIL_WINDOW = timedelta(days=14)


def invitation_due_at(last_end, tz_name):
    """The start (UTC) of the local day after ``last_end`` (aware UTC) in ``tz_name``."""
    local_day = utc_to_local(last_end, tz_name).date() + timedelta(days=1)
    return local_to_utc(datetime.combine(local_day, time(0)), tz_name)


def mail_due(last_end, tz_name, now):
    """``"invitation"``, ``"reminder"`` or ``None``: which message is due at ``now``."""
    if last_end is None:
        return None
    invite_at = invitation_due_at(last_end, tz_name)
    if now < invite_at or now >= invite_at + MAIL_WINDOW:
        return None
    return "reminder" if now >= invite_at + REMINDER_AFTER else "invitation"


def is_over(last_end, now):
    return last_end is not None and last_end <= now
