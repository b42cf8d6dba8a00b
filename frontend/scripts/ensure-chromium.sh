#!/bin/sh
# Makes sure Debian's Chromium is at /usr/bin/chromium for the end-to-end tests: nothing to do
# when it is there; installs the `chromium` package with apt-get when running as root; otherwise
# fails with what to do. Playwright never downloads a browser of its own here.
set -eu

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}

if [ -x "$CHROMIUM" ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "ensure-chromium: $CHROMIUM is missing and this is not root." >&2
	echo "ensure-chromium: install it with: sudo apt-get install -y chromium" >&2
	exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure-chromium: $CHROMIUM is missing and apt-get is not available: install Chromium by hand" >&2
	exit 1
fi

echo "ensure-chromium: installing Debian's chromium package" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null

if [ ! -x "$CHROMIUM" ]; then
	echo "ensure-chromium: installed the chromium package but $CHROMIUM is still missing" >&2
	exit 1
fi
echo "ensure-chromium: $($CHROMIUM --version 2>/dev/null || echo chromium) installed" >&2
