#!/usr/bin/env bash
# Runs the Postman collection with newman against the real server, on data made for this run.
#
#   postman/run.sh              self-contained (make test): builds bin/pairup, creates a throwaway
#                               database next to DATABASE_URL, serves it on a free port, runs the
#                               collection twice on it (fresh data each time), then stops the
#                               server and drops the database, on failure too
#   postman/run.sh --url URL    runs the collection once against a server already serving at URL,
#                               on the database DATABASE_URL names (the one the server uses)
#
# Options: --no-build (use bin/pairup as it is), --runs N (how many runs, default 2 self-contained,
# 1 with --url). Without DATABASE_URL, the Postgres that `make run` uses (scripts/devdb.sh).
#
# Every run imports a roster of new student numbers and two lab slots in new rooms with
# `pairup import`, creates a unit of its own (teams of 3-4, open) with `pairup unit create`,
# enrols some of the run's students and a coordinator in it, imports two slots into it, makes
# the run's admin a site admin, then hands those numbers, names, PINs, rooms and the unit's code
# to newman as --env-vars. Slot dates are relative to today (a week ahead), never a fixed year.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
cd "$root"

url="" build=1 runs=""
while (($#)); do
	case $1 in
	--url) url=${2:?--url needs a URL}; shift 2 ;;
	--url=*) url=${1#--url=}; shift ;;
	--no-build) build=0; shift ;;
	--runs) runs=${2:?--runs needs a number}; shift 2 ;;
	-h | --help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
[[ -z $runs || $runs =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs needs a whole number from 1" >&2; exit 2; }
runs=${runs:-$([[ -n $url ]] && echo 1 || echo 2)}
db_admin=${DATABASE_URL:-$(scripts/devdb.sh)}
bin=$root/bin/pairup

tmp=$(mktemp -d)
server_pid="" db=""
cleanup() {
	local rc=$?
	if [[ -n $server_pid ]]; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	if [[ -n $db ]]; then
		DATABASE_URL=$db_admin "$tmp/pgdb" drop "$db" || echo "run.sh: could not drop the throwaway database" >&2
	fi
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# --- tools -----------------------------------------------------------------------------------
if ((build)); then
	go build -o "$bin" ./cmd/pairup
fi
[[ -x $bin ]] || { echo "run.sh: $bin is missing; run without --no-build" >&2; exit 1; }

# newman, pinned by package-lock.json; npm ci again whenever the lockfile is newer than the install.
stamp=$here/node_modules/.package-lock.json
if [[ ! -f $stamp || $here/package-lock.json -nt $stamp || $here/package.json -nt $stamp ]]; then
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
	touch "$stamp"
fi
newman=$here/node_modules/.bin/newman
color=off # no escape codes in logs
[[ -t 1 ]] && color=on

# --- per-run data ----------------------------------------------------------------------------
# A run id of 7 digits from the clock and $RANDOM, never one this script used already. Student
# numbers are the id and one more digit (40000000-99999999: apart from the demo's 2xxxxxxx and
# the SPA tests' 31xxxxxx), so consecutive runs on one database never meet.
used=" "
new_run_id() {
	while :; do
		run_id=$((4000000 + ($(date +%s) % 60000) * 100 + RANDOM % 100))
		[[ $used == *" $run_id "* ]] || break
	done
	used+="$run_id "
}

# run_collection BASE_URL DATABASE_URL N: imports fresh data into the database and runs newman.
run_collection() {
	local base=$1 dburl=$2 n=$3
	new_run_id
	local pin admin_pin wrong_pin
	pin=$(printf '%04d' $((RANDOM % 10000)))
	wrong_pin=$(printf '%04d' $(((10#$pin + 1) % 10000)))
	admin_pin=$(printf '%06d' $((RANDOM * RANDOM % 1000000)))
	# Slots a week (and a week and a day) ahead, never in a fixed year: wall-clock times of their
	# unit, labelled as the server labels them ("Room Thursday, May 20 09:00"). The run's own
	# unit: A, B and C are enrolled in it as well as in the default unit, E only in it, D stays
	# outside it; its coordinator is in no other unit. Folder 12 (the console) adds F to the unit
	# with a roster, makes a scratch unit (the unit's code and -scratch) with a coordinator of its
	# own, and adds slots and a session on a third day (two new rooms); none of them exists yet.
	local day1 day2 day3
	day1=$(date -d '+7 days' +%F) day2=$(date -d '+8 days' +%F) day3=$(date -d '+9 days' +%F)
	local -A v=(
		[baseUrl]=$base [pin]=$pin [wrongPin]=$wrong_pin [adminPin]=$admin_pin
		[studentA]=${run_id}1 [nameA]="Ada Lovelace"
		[studentB]=${run_id}2 [nameB]="Charles Babbage"
		[studentC]=${run_id}3 [nameC]="Grace Hopper"
		[studentD]=${run_id}4 [nameD]="Alan Turing"
		[adminNumber]=${run_id}9 [unknownStudent]=${run_id}0
		[lab1Room]="Room $run_id-$RANDOM North" [lab1StartsAt]=${day1}T09:00
		[lab2Room]="Room $run_id-$RANDOM South" [lab2StartsAt]=${day2}T10:30
		[unit]=pm-$run_id-$RANDOM [unitTitle]="Postman run $run_id" [unitTimezone]=Australia/Perth
		[studentE]=${run_id}5 [nameE]="Barbara Liskov"
		[coordinatorNumber]=${run_id}6 [coordinatorName]="Course Coordinator $run_id" [coordinatorPin]=$(printf '%06d' $((RANDOM * RANDOM % 1000000)))
		[unitLab1Room]="Room $run_id-$RANDOM East" [unitLab1StartsAt]=${day1}T17:15
		[unitLab2Room]="Room $run_id-$RANDOM West" [unitLab2StartsAt]=${day2}T08:45
		[studentF]=${run_id}7 [nameF]="Frances Allen"
		[otherCoordinatorNumber]=${run_id}8 [otherCoordinatorName]="Other Coordinator $run_id"
		[unitSlotRoom]="Room $run_id-$RANDOM Annex" [unitSlotStartsAt]=${day3}T13:00
		[sessionRoom]="Room $run_id-$RANDOM Hall" [sessionDate]=$day3
	)
	v[scratchUnit]=${v[unit]}-scratch
	local k
	for k in lab1 lab2 unitLab1 unitLab2 unitSlot; do
		v[${k}Label]="${v[${k}Room]} $(LC_ALL=C date -d "${v[${k}StartsAt]/T/ }" '+%A, %B %-d %H:%M')"
	done

	{
		echo "student_number,name,pin,role"
		for w in A B C D; do
			local num=student$w name=name$w
			echo "${v[$num]},${v[$name]},$pin,student"
		done
		echo "${v[adminNumber]},Unit Coordinator $run_id,$admin_pin,admin"
	} >"$tmp/students-$n.csv"
	{
		echo "room,starts_at,capacity"
		echo "${v[lab1Room]},${v[lab1StartsAt]},1"
		echo "${v[lab2Room]},${v[lab2StartsAt]},2"
	} >"$tmp/labs-$n.csv"
	# (Callers test this function's status, which turns off set -e inside it: check each step.)
	DATABASE_URL=$dburl "$bin" import students "$tmp/students-$n.csv" >/dev/null || return 1
	DATABASE_URL=$dburl "$bin" import labs "$tmp/labs-$n.csv" >/dev/null || return 1

	# The run's unit: teams of 3-4, open (no opening or closing time), no guard time.
	{
		echo "student_number,name,pin,role"
		for w in A B C E; do
			local num=student$w name=name$w
			echo "${v[$num]},${v[$name]},$pin,student"
		done
		echo "${v[coordinatorNumber]},${v[coordinatorName]},${v[coordinatorPin]},coordinator"
	} >"$tmp/unit-students-$n.csv"
	{
		echo "room,starts_at,capacity"
		echo "${v[unitLab1Room]},${v[unitLab1StartsAt]},2"
		echo "${v[unitLab2Room]},${v[unitLab2StartsAt]},2"
	} >"$tmp/unit-labs-$n.csv"
	DATABASE_URL=$dburl "$bin" unit create "${v[unit]}" --title "${v[unitTitle]}" --timezone "${v[unitTimezone]}" \
		--team-size 3-4 >/dev/null || return 1
	DATABASE_URL=$dburl "$bin" import students --unit "${v[unit]}" "$tmp/unit-students-$n.csv" >/dev/null || return 1
	DATABASE_URL=$dburl "$bin" import labs --unit "${v[unit]}" "$tmp/unit-labs-$n.csv" >/dev/null || return 1
	DATABASE_URL=$dburl "$bin" admin grant "${v[adminNumber]}" >/dev/null || return 1

	echo "postman: run $n of $runs against $base: students ${v[studentA]}-${v[studentD]}, admin ${v[adminNumber]}, rooms \"${v[lab1Room]}\" and \"${v[lab2Room]}\"; unit ${v[unit]} with ${v[studentA]}-${v[studentC]}, ${v[studentE]} and coordinator ${v[coordinatorNumber]}"
	local args=()
	for k in "${!v[@]}"; do args+=(--env-var "$k=${v[$k]}"); done
	"$newman" run "$here/pairup.postman_collection.json" \
		--environment "$here/pairup.postman_environment.json" "${args[@]}" \
		--reporters cli --color "$color" --timeout-request 15000
}

# --- against a running server ----------------------------------------------------------------
if [[ -n $url ]]; then
	for ((i = 1; i <= runs; i++)); do
		if ! run_collection "${url%/}" "$db_admin" "$i"; then
			echo "run.sh: run $i failed (does the server at $url use the database DATABASE_URL names?)" >&2
			exit 1
		fi
	done
	exit 0
fi

# --- self-contained: throwaway database and server -------------------------------------------
go build -o "$tmp/pgdb" ./tools/pgdb
db=$(DATABASE_URL=$db_admin "$tmp/pgdb" create)
mkdir "$tmp/web" # no SPA: the collection tests the API only
DATABASE_URL=$db PAIRUP_ADDR=127.0.0.1:0 PAIRUP_WEB_DIR=$tmp/web "$bin" serve >"$tmp/server.out" 2>"$tmp/server.log" &
server_pid=$!
base=""
for _ in $(seq 300); do # up to 30 s (the first start migrates)
	base=$(sed -n 's/^pairup: serving on \(http:[^ ]*\)$/\1/p' "$tmp/server.out")
	[[ -n $base ]] && break
	kill -0 "$server_pid" 2>/dev/null || break
	sleep 0.1
done
if [[ -z $base ]]; then
	echo "run.sh: the server did not start; its log:" >&2
	cat "$tmp/server.out" "$tmp/server.log" >&2
	exit 1
fi
for ((i = 1; i <= runs; i++)); do
	if ! run_collection "$base" "$db" "$i"; then
		echo "run.sh: run $i failed; the server's log:" >&2
		tail -n 50 "$tmp/server.log" >&2
		exit 1
	fi
done
echo "postman: $runs runs of the collection passed on one database"
