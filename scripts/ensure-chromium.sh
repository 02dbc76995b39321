#!/usr/bin/env bash
# Browser tests drive Debian's chromium (never a downloaded browser). Install it when it
# is missing and we may (root with apt-get); otherwise say how, and the tests skip.
set -u
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null && exit 0
  echo "apt-get could not install chromium" >&2
  exit 1
fi
echo "chromium is missing: run 'sudo apt-get install chromium' to include the browser tests." >&2
exit 0
