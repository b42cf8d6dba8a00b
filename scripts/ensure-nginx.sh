#!/bin/sh
# Prints the path of an nginx binary for the proxy test (cmd/pairup/proxy_test.go): NGINX when
# it is set, else the nginx on PATH or in /usr/sbin. When there is none, installs Debian's
# `nginx` package with apt-get (as root), the way frontend/scripts/ensure-chromium.sh does for
# Chromium; otherwise fails with what to do. Messages go to stderr, only the path to stdout.
set -eu

find_nginx() {
	if [ -n "${NGINX:-}" ]; then
		[ -x "$NGINX" ] && echo "$NGINX"
		return 0
	fi
	command -v nginx 2>/dev/null && return 0
	[ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx
	return 0
}

found=$(find_nginx)
if [ -n "$found" ]; then
	echo "$found"
	exit 0
fi
if [ -n "${NGINX:-}" ]; then
	echo "ensure-nginx: NGINX=$NGINX is not an executable file" >&2
	exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "ensure-nginx: nginx is missing and this is not root." >&2
	echo "ensure-nginx: install it with: sudo apt-get install -y nginx (or set NGINX to its path)" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure-nginx: nginx is missing and apt-get is not available: install nginx by hand" >&2
	exit 1
fi

# The package's install script starts nginx as a service on port 80 unless a policy-rc.d says
# no; the test runs nginx itself, so none is started (Docker images ship such a file already).
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi

echo "ensure-nginx: installing Debian's nginx package" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq nginx >/dev/null 2>&1; then
	# The package lists may be missing or out of date.
	apt-get update -qq
	apt-get install -y -qq nginx >/dev/null
fi

found=$(find_nginx)
if [ -z "$found" ]; then
	echo "ensure-nginx: installed the nginx package but found no nginx binary" >&2
	exit 1
fi
echo "ensure-nginx: $("$found" -v 2>&1 || echo nginx) installed" >&2
echo "$found"
