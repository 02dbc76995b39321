// Reads each .ics file named on the command line with ical.js (Thunderbird's parser) and
// prints {path: {uid: [start, end]}}: UTC seconds for timed items, the date for all-day ones.
// Each document's VTIMEZONEs are registered while it is read, and only then.
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const value = (time) => (time.isDate ? time.toString().replaceAll("-", "") : time.toUnixTime());
const out = {};
for (const path of process.argv.slice(2)) {
  const root = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  const zones = root.getAllSubcomponents("vtimezone");
  for (const vtz of zones) ICAL.TimezoneService.register(vtz);
  const events = {};
  for (const vevent of root.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    const tzid = vevent.getFirstProperty("dtstart").getParameter("tzid");
    if (tzid && !ICAL.TimezoneService.has(tzid)) throw new Error(`${path}: no VTIMEZONE for ${tzid}`);
    events[event.uid] = [value(event.startDate), value(event.endDate)];
  }
  for (const vtz of zones) ICAL.TimezoneService.remove(vtz.getFirstPropertyValue("tzid"));
  out[path] = events;
}
process.stdout.write(JSON.stringify(out));
