"""Reads each .ics file named on the command line with libical (Evolution's parser), through
Debian's GObject bindings (run with /usr/bin/python3), and prints
{path: {"events": {uid: [start, end]}, "errors": [...]}}: UTC seconds for timed items, the
date for all-day ones, and what libical's parser and RFC 5546 restriction check object to."""
import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402

UTC = ICalGLib.Timezone.get_utc_timezone()


def value(time):
    if time.is_date():
        return "%04d%02d%02d" % (time.get_year(), time.get_month(), time.get_day())
    return time.as_timet_with_zone(time.get_timezone() or UTC)


def errors(component):
    found = []
    prop = component.get_first_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    while prop is not None:
        found.append(prop.get_xlicerror())
        prop = component.get_next_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    child = component.get_first_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    while child is not None:
        found.extend(errors(child))
        child = component.get_next_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    return found


out = {}
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        root = ICalGLib.Component.new_from_string(handle.read())
    root.check_restrictions()
    events = {}
    event = root.get_first_component(ICalGLib.ComponentKind.VEVENT_COMPONENT)
    while event is not None:
        start, end = event.get_dtstart(), event.get_dtend()
        if not start.is_date() and start.get_tzid() and start.get_timezone() is None:
            raise SystemExit(f"{path}: no VTIMEZONE for {start.get_tzid()}")
        events[event.get_uid()] = [value(start), value(end)]
        event = root.get_next_component(ICalGLib.ComponentKind.VEVENT_COMPONENT)
    out[path] = {"events": events, "errors": errors(root)}
print(json.dumps(out))
