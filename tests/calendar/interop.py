"""Read calendar documents the way different clients do, and what the IANA database says.

Four independent readers: icalendar (Python), vobject (Python, dateutil's VTIMEZONE
reader), ical.js (Thunderbird and many web calendars; run with node) and libical
(Evolution, GNOME; Debian's GObject bindings, run with /usr/bin/python3). Each gives
``{name: {uid: (start, end)}}`` with UTC seconds for timed items and ``YYYYMMDD`` for
all-day ones. :func:`truth` takes each DTSTART/DTEND's wall clock and TZID and converts
it with :mod:`zoneinfo` alone: what every reader must agree with.
"""
import json
import os
import shutil
import subprocess
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
import vobject.icalendar

HERE = Path(__file__).parent / "js"
NODE = shutil.which("node") or "/usr/bin/node"
SYSTEM_PYTHON = "/usr/bin/python3"
#: CI (.ci/run) sets this: a missing reader fails there instead of skipping.
IN_CI = bool(os.environ.get("INDUCCI_REQUIRE_CALENDAR_READERS"))


def _value(dt):
    if isinstance(dt, datetime):
        return int(dt.timestamp())
    if isinstance(dt, date):
        return dt.strftime("%Y%m%d")
    raise TypeError(dt)


def truth(documents):
    """Wall clock + TZID (or UTC) through zoneinfo, never through the document's VTIMEZONE."""
    result = {}
    for name, body in documents.items():
        events = {}
        for event in icalendar.Calendar.from_ical(body).walk("VEVENT"):
            values = []
            for prop in ("DTSTART", "DTEND"):
                dt = event[prop].dt
                if isinstance(dt, datetime):
                    tzid = event[prop].params.get("TZID")
                    wall = dt.replace(tzinfo=None)
                    dt = wall.replace(tzinfo=ZoneInfo(tzid)) if tzid else wall.replace(tzinfo=timezone.utc)
                    assert tzid or str(event[prop].to_ical()).endswith("Z'"), (name, prop, "floating time")
                values.append(_value(dt))
            events[str(event["UID"])] = tuple(values)
        result[name] = events
    return result


def read_icalendar(documents):
    return {name: {str(e["UID"]): (_value(e.decoded("DTSTART")), _value(e.decoded("DTEND")))
                   for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
            for name, body in documents.items()}


def read_vobject(documents):
    result = {}
    registry = vars(vobject.icalendar)["__tzidMap"]
    for name, body in documents.items():
        registry.clear()  # each document's own VTIMEZONEs only, never a zone found by name
        cal = vobject.readOne(body.decode("utf-8"))
        events = {}
        for event in getattr(cal, "vevent_list", []):
            start, end = event.dtstart.value, event.dtend.value
            for dt in (start, end):
                if isinstance(dt, datetime) and dt.utcoffset():
                    assert "pytz" not in type(dt.tzinfo).__module__, (name, "vobject used pytz, not the VTIMEZONE")
            events[event.uid.value] = (_value(start), _value(end))
        result[name] = events
    return result


def _write(documents, folder):
    paths = {}
    for index, (name, body) in enumerate(documents.items()):
        path = folder / f"{index}.ics"
        path.write_bytes(body)
        paths[str(path)] = name
    return paths


def _missing(reason):
    if IN_CI:
        pytest.fail(f"{reason} (CI must have it: see .ci/run)")
    pytest.skip(reason)


def read_icaljs(documents, folder):
    if not Path(NODE).exists():
        _missing("node is not installed (apt-get install nodejs)")
    if not (HERE / "node_modules" / "ical.js").exists():
        _missing("ical.js is not installed: run `make install-test` (npm ci in tests/calendar/js)")
    paths = _write(documents, folder)
    done = subprocess.run([NODE, str(HERE / "read.mjs"), *paths], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return {paths[path]: {uid: tuple(v) for uid, v in events.items()}
            for path, events in json.loads(done.stdout).items()}


def libical_available():
    if not Path(SYSTEM_PYTHON).exists():
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import gi; gi.require_version('ICalGLib', '3.0'); "
                            "from gi.repository import ICalGLib"], capture_output=True, check=False)
    return probe.returncode == 0


def read_libical(documents, folder):
    """``(events, errors)``: what libical reads, and what its parser and its RFC 5546
    restriction check object to, per document."""
    if not libical_available():
        _missing("libical is not installed: run `bash scripts/ensure-libical.sh` "
                 "(apt-get install python3-gi gir1.2-ical-3.0)")
    paths = _write(documents, folder)
    done = subprocess.run([SYSTEM_PYTHON, str(HERE / "libical_read.py"), *paths], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    parsed = json.loads(done.stdout)
    events = {paths[p]: {uid: tuple(v) for uid, v in r["events"].items()} for p, r in parsed.items()}
    errors = {paths[p]: r["errors"] for p, r in parsed.items() if r["errors"]}
    return events, errors


def read_everywhere(documents, folder):
    """``{reader: {name: {uid: (start, end)}}}`` and libical's objections."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "libical").mkdir(exist_ok=True)
    (folder / "icaljs").mkdir(exist_ok=True)
    libical, errors = read_libical(documents, folder / "libical")
    return {"icalendar": read_icalendar(documents), "vobject": read_vobject(documents),
            "ical.js": read_icaljs(documents, folder / "icaljs"), "libical": libical}, errors
