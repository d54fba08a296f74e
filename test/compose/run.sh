#!/usr/bin/env bash
# The compose test (issue 14): compose.yaml, for real, from the host. It builds the images
# (deploy/build.sh, docker-compose build; nothing is pulled), brings the three-node JetStream
# cluster and every service up from nothing with three downloaders (all healthy, JetStream's ops
# bucket led and its replicas current), and backs up a simulated fleet of 40 canisters below a
# root (fleet-40.json, through compose.test.yaml) with the operator's CLI over the three NATS
# host ports:
#
#   1. scaled down to 1 downloader, then up to 3 again: both runs timed; the downloaders' logs
#      must show that at least two of the three did downloads;
#   2. with the NATS node that leads the ops bucket (KV_fleetbackup_ops) killed mid-run and
#      started again;
#   3. with one downloader killed mid-run (its claims run out after the lease, 30 s);
#
# every run must complete and its backup directory, copied out of the backups volume, must
# pass `fleetbackup verify`. Last, `docker-compose down` must stop every container cleanly
# (exit status 0) within its timeout.
#
#   test/compose/run.sh                         # 3 to 4 minutes on 2 cores
#   FLEETBACKUP_SIM_LATENCY=download=1s test/compose/run.sh
#
# It needs docker, docker-compose (v1 syntax), go and jq. Every container, network and volume
# belongs to a project of its own (docker-compose -p), removed on exit whatever happened; the
# NATS host ports are the first three free ones from 14222 (NATS_HOST_PORT_1..3 in
# compose.yaml), so it does not collide with a `fleetbackup dev` or a compose stack on 4222.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
export FLEETBACKUP_SIM_LATENCY="${FLEETBACKUP_SIM_LATENCY:-download=2s}"
export FLEETBACKUP_VERSION="${FLEETBACKUP_VERSION:-compose-test}" # deploy/build.sh: no git describe
project="fbcompose$(date +%s)$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/fleetbackup-compose.XXXXXX")
fleet=compose-test
stop_timeout=30 # seconds docker-compose down gives a container before it kills it

say() { printf '[compose %3ds] %s\n' "$SECONDS" "$*"; }
dc() { docker-compose -p "$project" --project-directory "$root" -f "$root/compose.yaml" -f "$here/compose.test.yaml" "$@"; }
# shellcheck source=lib.sh
. "$here/lib.sh"
pick_ports
nats_url="nats://127.0.0.1:$NATS_HOST_PORT_1,nats://127.0.0.1:$NATS_HOST_PORT_2,nats://127.0.0.1:$NATS_HOST_PORT_3"

# --- 1. Build: binaries, images, the CLI and the leader probe. Nothing is pulled. -------------
build_images
say "images built locally: $(echo $images)"
long go build -o "$work/fleetbackup" ./cmd/fleetbackup
long env GOWORK=off go build -C "$here/jsleader" -o "$work/jsleader" .
fb() { "$work/fleetbackup" "$@"; }
root_id=$(fb plan --fleet "$fleet" --network local --scope non-root-fleet --sim-fleet "$here/fleet-40.json" --json |
	jq -r .root_canister_id)
targets=$(jq '.Ok | length - 1' "$here/fleet-40.json")
say "fleet: $targets canisters below root $root_id; sim latency $FLEETBACKUP_SIM_LATENCY"

# --- helpers ----------------------------------------------------------------------------------

# wait_healthy N: every running container of the project is running and, when it has a health
# check, healthy; N downloaders run.
wait_healthy() {
	local want=$1 deadline=$((SECONDS + 120)) id line waiting downloaders
	while :; do
		waiting=""
		for id in $(dc ps -q); do
			line=$(docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}}' "$id")
			case "$line" in
			*" running healthy" | *" running -") ;;
			*) waiting="$waiting ${line#/}," ;;
			esac
		done
		downloaders=$(dc ps -q downloader | wc -l)
		[ -n "$waiting" ] || [ "$downloaders" -ne "$want" ] || return 0
		[ "$SECONDS" -lt "$deadline" ] || fail "not healthy after 120 s:$waiting $downloaders downloaders (want $want)"
		sleep 2
	done
}

# wait_jetstream: the ops bucket's stream has a leader and all three replicas are current.
wait_jetstream() {
	local leader
	leader=$("$work/jsleader" --nats-url "$nats_url" --stream KV_fleetbackup_ops --wait 90s) ||
		fail "JetStream not ready (KV_fleetbackup_ops)"
	say "JetStream ready: KV_fleetbackup_ops led by $leader, every replica current"
}

request=(--nats-url "$nats_url" --fleet "$fleet" --network local --root "$root_id" --scope non-root-fleet)

# backup RUN_ID: runs a backup to its end through the CLI and sets $wall (seconds).
backup() {
	local t0
	t0=$(date +%s.%N)
	long timeout 240 "$work/fleetbackup" run "${request[@]}" --run-id "$1" >"$work/$1.log" 2>&1 ||
		{ tail -n 30 "$work/$1.log" >&2; fail "run $1 did not complete"; }
	wall=$(since "$t0")
}

# status_of RUN_ID: the run record as JSON ({} while there is none).
status_of() { fb status "$1" --json --nats-url "$nats_url" 2>/dev/null || echo '{}'; }

# wait_progress RUN_ID N: waits until N operations of the run completed, while it still runs, and
# sets $progress to the count.
wait_progress() {
	local deadline=$((SECONDS + 90)) s
	while :; do
		s=$(status_of "$1")
		[ "$(jq -r '.state // ""' <<<"$s")" != completed ] || fail "run $1 completed before the fault"
		progress=$(jq -r '.counts.completed // 0' <<<"$s")
		[ "$progress" -lt "$2" ] || return 0
		[ "$SECONDS" -lt "$deadline" ] || fail "run $1 did not reach $2 operations: $s"
		sleep 0.2
	done
}

# wait_end RUN_ID: waits until the run is settled (completed, failed, aborted or rejected).
wait_end() {
	local deadline=$((SECONDS + 240)) state
	while :; do
		state=$(status_of "$1" | jq -r '.state // ""')
		case "$state" in completed | failed | aborted | rejected) return 0 ;; esac
		[ "$SECONDS" -lt "$deadline" ] || fail "run $1 still $state after 240 s"
		sleep 1
	done
}

# check_backup RUN_ID: the run completed every operation, and its directory, copied out of the
# backups volume, passes fleetbackup verify with one artifact per target.
check_backup() {
	local s finalizer
	s=$(status_of "$1")
	jq -e --argjson n "$targets" '.state == "completed" and .restart_required == false
		and .counts.completed == .counts.total and .counts.failed == 0
		and .counts.stops_completed == $n' <<<"$s" >/dev/null ||
		fail "run $1 did not complete cleanly: $(jq -c '{state, error, restart_required, counts}' <<<"$s")"
	finalizer=$(dc ps -q finalizer | sed -n 1p)
	mkdir -p "$work/backups"
	docker cp "$finalizer:/backups/$1" "$work/backups/" || fail "no backup directory /backups/$1"
	fb verify --json "$work/backups/$1" >"$work/verify-$1.json" ||
		fail "fleetbackup verify $1: $(jq -c .problems "$work/verify-$1.json")"
	jq -e --argjson n "$targets" '.verified and (.artifacts | length) == $n' "$work/verify-$1.json" >/dev/null ||
		fail "fleetbackup verify $1: not $targets verified artifacts"
	say "run $1: completed, $(jq .counts.total <<<"$s") operations; backup verified ($targets artifacts)"
}

# downloads RUN_ID: counts the run's completed downloads in each downloader's log (one "operation
# completed" line per finished operation) and sets $spread ("container=count ..."), $busy
# (downloaders with at least one), $done_total and $taken_over (completed at a later attempt).
downloads() {
	local id name n
	spread="" busy=0 done_total=0 taken_over=0
	for id in $(docker ps -a -q --filter "label=com.docker.compose.project=$project" \
		--filter label=com.docker.compose.service=downloader); do
		name=$(docker inspect -f '{{.Name}}' "$id")
		docker logs "$id" 2>&1 | grep '"msg":"operation completed"' | grep "\"run_id\":\"$1\"" |
			grep '"op":"download-' >"$work/downloads" || true
		n=$(wc -l <"$work/downloads")
		taken_over=$((taken_over + $(grep -vc '"attempt":1,' "$work/downloads" || true)))
		spread="${spread:+$spread }${name#/"${project}"_}=$n"
		done_total=$((done_total + n))
		[ "$n" -eq 0 ] || busy=$((busy + 1))
	done
}

# --- 2. Up from nothing with three downloaders ------------------------------------------------
say "docker-compose up -d --scale downloader=3 (project $project, NATS on 127.0.0.1:$base-$((base + 2)))"
long dc up -d --scale downloader=3 >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; fail "docker-compose up"; }
wait_healthy 3
say "every container up and healthy"
wait_jetstream

# --- 3. The 40-canister backup with one downloader, then with three ----------------------------
long dc up -d --no-recreate --scale downloader=1 >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; fail "scale to 1"; }
wait_healthy 1
say "backup with 1 downloader"
backup ct-1-downloader
wall1=$wall
check_backup ct-1-downloader

long dc up -d --no-recreate --scale downloader=3 >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; fail "scale to 3"; }
wait_healthy 3
say "backup with 3 downloaders"
backup ct-3-downloaders
wall3=$wall
check_backup ct-3-downloaders
downloads ct-3-downloaders
say "downloads per downloader: $spread"
[ "$done_total" -ge "$targets" ] || fail "$done_total downloads completed, want $targets"
[ "$busy" -ge 2 ] || fail "only $busy downloader did the downloads ($spread)"

# --- 4. The ops bucket's leader killed mid-run --------------------------------------------------
run=ct-leader-killed
t0=$(date +%s.%N)
fb run "${request[@]}" --run-id "$run" --detach >/dev/null
wait_progress "$run" $((3 * targets + 10)) # stops, snapshots, starts done; downloads under way
leader=$("$work/jsleader" --nats-url "$nats_url" --current=false --wait 10s)
leader_id=$(dc ps -q "$leader")
[ -n "$leader_id" ] || fail "no container for NATS server $leader"
docker kill "$leader_id" >/dev/null
say "run $run: killed $leader (leader of KV_fleetbackup_ops) after $progress operations"
new_leader=$("$work/jsleader" --nats-url "$nats_url" --current=false --wait 30s) || fail "no new leader"
[ "$new_leader" != "$leader" ] || fail "KV_fleetbackup_ops is still led by the killed $leader"
say "KV_fleetbackup_ops is led by $new_leader now; starting $leader again"
sleep 2
docker start "$leader_id" >/dev/null
wait_end "$run"
wall_leader=$(since "$t0")
check_backup "$run"
wait_jetstream

# --- 5. A downloader killed mid-run -------------------------------------------------------------
run=ct-downloader-killed
t0=$(date +%s.%N)
fb run "${request[@]}" --run-id "$run" --detach >/dev/null
wait_progress "$run" $((3 * targets + 10))
victim=$(dc ps -q downloader | sed -n 1p)
docker kill "$victim" >/dev/null
say "run $run: killed $(docker inspect -f '{{.Name}}' "$victim" | sed 's|^/||') after $progress operations"
wait_end "$run"
wall_downloader=$(since "$t0")
check_backup "$run"
downloads "$run"
say "downloads per downloader: $spread; $taken_over taken over after the kill"
[ "$done_total" -ge "$targets" ] || fail "$done_total downloads completed, want $targets"

# --- 6. docker-compose down drains -------------------------------------------------------------
# docker wait reports each running container's exit status as it stops: 0 is a clean drain,
# 137 a container killed after the timeout.
running=$(docker ps -q --filter "label=com.docker.compose.project=$project")
docker wait $running >"$work/exit-codes" 2>&1 &
waiter=$!
sleep 1
t0=$(date +%s.%N)
dc down -t "$stop_timeout" >"$work/down.log" 2>&1 || { cat "$work/down.log" >&2; fail "docker-compose down"; }
wall_down=$(since "$t0")
wait "$waiter" || { cat "$work/exit-codes" >&2; fail "docker wait"; }
if grep -qvx 0 "$work/exit-codes"; then
	fail "containers did not stop cleanly, exit statuses: $(sort "$work/exit-codes" | uniq -c | tr -s ' \n' ' ')"
fi
awk -v t="$wall_down" -v max="$stop_timeout" 'BEGIN { exit !(t < max) }' || fail "down took $wall_down s"
say "docker-compose down: $(wc -l <"$work/exit-codes") containers stopped with status 0 in ${wall_down}s"

cat <<EOF

compose test passed in ${SECONDS}s. Backups of $targets canisters, sim latency $FLEETBACKUP_SIM_LATENCY,
2 downloads at once per downloader (wall time, from publishing the request to the run's end):
  1 downloader                      ${wall1}s
  3 downloaders                     ${wall3}s
  3 downloaders, NATS leader killed ${wall_leader}s
  3 downloaders, 1 of them killed   ${wall_downloader}s (its claims wait out the 30s lease)
EOF
