"""Kept for the API (``api/serialise.py`` imports ``absolute`` from here as ``ical_url``).
The calendar items themselves live with their features: ``workshops/ical.py``,
``spaces/ical.py``, ``helpdesk/ical.py``; links come from :mod:`inducci_events.core.ical`."""
from ..core.ical import absolute  # noqa: F401
