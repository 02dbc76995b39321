#!/usr/bin/env bash
# The calendar interoperability tests also read every document with libical (the parser of
# Evolution and GNOME Calendar), through Debian's GObject bindings from /usr/bin/python3.
# Install them when missing and we may (root with apt-get); otherwise say how, and that
# part of the tests skips (CI calls this script and requires it to work).
set -u
check() { /usr/bin/python3 -c 'import gi; gi.require_version("ICalGLib", "3.0"); from gi.repository import ICalGLib' 2>/dev/null; }
if check; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing libical's GObject bindings for the calendar tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq python3-gi gir1.2-ical-3.0 >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq python3-gi gir1.2-ical-3.0 >/dev/null; }
  check && exit 0
  echo "apt-get could not install gir1.2-ical-3.0" >&2
  exit 1
fi
echo "libical is missing: run 'sudo apt-get install python3-gi gir1.2-ical-3.0' to include it in the calendar tests." >&2
exit 0
