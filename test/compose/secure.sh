#!/usr/bin/env bash
# The secured compose test (issue 14): compose.yaml + compose.secure.yaml (+ compose.test.yaml's
# 40-canister sim fleet), for real, from the host. It generates a fresh installation's keys,
# credentials and certificates into a temporary directory (deploy/auth/gen.sh with
# FLEETBACKUP_AUTH_OUT, which compose.secure.yaml mounts from), gives the server's and the five
# services' directories to the containers' user, builds the images (nothing is pulled), brings
# the three TLS NATS nodes (operator mode, deploy/auth/nats-secure.conf) and every service up
# from nothing, each service with its own credentials, and waits until all are healthy. Then:
#
#   1. refusals: a plain-text client (the server's INFO demands TLS and a client certificate, a
#      plain CONNECT gets the connection closed, no PONG), the CLI on a nats:// URL without TLS
#      files, valid credentials without a client certificate, and an anonymous client (valid
#      client certificate, no credentials: "Authorization Violation") get no connection; the
#      servers advertise no container addresses to clients (no_advertise);
#   2. the viewer is refused publishing a backup request ("Permissions Violation for Publish to
#      fleetbackup.runs.request" in the CLI's output) and no run exists afterwards; the operator
#      is refused publishing a restore request likewise;
#   3. the operator backs up the 40-canister fleet over TLS to completion; its backup directory,
#      copied out of the backups volume, passes `fleetbackup verify`; the viewer reads its record;
#   4. the restorer restores that backup through the pipeline to completion;
#   5. the servers' logs show no permission violation of a service other than the workers'
#      stream creations before the planner has set up (docs/security.md, "The workers' setup
#      rights"), and none from a client but the two refusals of step 2.
#
#   test/compose/secure.sh                           # 2 to 3 minutes on 2 cores, images cached
#   FLEETBACKUP_SIM_LATENCY=download=2s test/compose/secure.sh
#
# Ownership: gen.sh writes keys and credentials readable by their owner only, and the containers
# run as 65532:65532. As root (CI), gen.sh gives the six mounted directories to 65532:65532
# (FLEETBACKUP_AUTH_OWNER), as docs/security.md tells an installation to; as another user, who
# cannot chown, they are made readable by all instead (chmod a+rX), which exposes nothing: they
# sit in this test's own temporary directory, mode 0700, that no other host user can enter.
#
# It needs docker, docker-compose (v1 syntax), go and jq. Every container, network and volume
# belongs to a project of its own (docker-compose -p), removed on exit whatever happened, with the
# temporary directory; the NATS host ports are the first three free ones from 14222.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
export FLEETBACKUP_SIM_LATENCY="${FLEETBACKUP_SIM_LATENCY:-download=500ms}"
export FLEETBACKUP_VERSION="${FLEETBACKUP_VERSION:-compose-test}" # deploy/build.sh: no git describe
# The host's own NATS settings must not leak into the CLI calls below: each names its identity.
unset NATS_URL NATS_CREDS FLEETBACKUP_NATS_TLS_CA FLEETBACKUP_NATS_TLS_CERT FLEETBACKUP_NATS_TLS_KEY FLEETBACKUP_PREFIX
project="fbsecure$(date +%s)$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/fleetbackup-secure.XXXXXX")
chmod 700 "$work"
fleet=compose-secure
export FLEETBACKUP_AUTH_OUT="$work/auth" # gen.sh writes there, compose.secure.yaml mounts from there

say() { printf '[secure %3ds] %s\n' "$SECONDS" "$*"; }
dc() {
	docker-compose -p "$project" --project-directory "$root" -f "$root/compose.yaml" \
		-f "$root/compose.secure.yaml" -f "$here/compose.test.yaml" "$@"
}
# shellcheck source=lib.sh
. "$here/lib.sh"
pick_ports
# tls:// URLs on 127.0.0.1, which the server certificate names (bus.DefaultServerHosts).
tls_url="tls://127.0.0.1:$NATS_HOST_PORT_1,tls://127.0.0.1:$NATS_HOST_PORT_2,tls://127.0.0.1:$NATS_HOST_PORT_3"

# --- 1. Credentials into the work directory, owned as the containers need ----------------------
t0=$(date +%s.%N)
services="nats planner snapshotter downloader verifier finalizer"
if [ "$(id -u)" -eq 0 ]; then
	long env FLEETBACKUP_AUTH_OWNER=65532:65532 deploy/auth/gen.sh >"$work/gen.log" 2>&1 ||
		{ cat "$work/gen.log" >&2; fail "deploy/auth/gen.sh"; }
	ownership="given to 65532:65532 (running as root: FLEETBACKUP_AUTH_OWNER)"
else
	long deploy/auth/gen.sh >"$work/gen.log" 2>&1 || { cat "$work/gen.log" >&2; fail "deploy/auth/gen.sh"; }
	for d in $services; do chmod -R a+rX "$FLEETBACKUP_AUTH_OUT/$d"; done
	ownership="made readable by all inside the 0700 work directory (not root: cannot chown)"
fi
for d in $services operator restorer viewer; do
	[ -s "$FLEETBACKUP_AUTH_OUT/$d/$([ "$d" = nats ] && echo auth.conf || echo nats.creds)" ] ||
		fail "gen.sh wrote nothing for $d into $FLEETBACKUP_AUTH_OUT"
done
say "credentials in $FLEETBACKUP_AUTH_OUT ($(since "$t0")s); server's and services' directories $ownership"

# --- 2. Build: binaries, images, the CLI. Nothing is pulled. ------------------------------------
t0=$(date +%s.%N)
build_images
long go build -o "$work/fleetbackup" ./cmd/fleetbackup
wall_build=$(since "$t0")
say "built in ${wall_build}s: $(echo $images)"

fb="$work/fleetbackup"
# flags IDENTITY: the CLI's flags for one of the generated identities, over TLS with its
# certificate, into the array of that name ("${operator[@]}").
flags() {
	local d="$FLEETBACKUP_AUTH_OUT/$1"
	eval "$1"'=(--nats-url "$tls_url" --nats-creds "$d/nats.creds" --nats-tls-ca "$d/ca.pem" --nats-tls-cert "$d/cert.pem" --nats-tls-key "$d/key.pem")'
}
flags operator
flags restorer
flags viewer
root_id=$("$fb" plan --fleet "$fleet" --network local --scope non-root-fleet --sim-fleet "$here/fleet-40.json" --json |
	jq -r .root_canister_id)
targets=$(jq '.Ok | length - 1' "$here/fleet-40.json")
request=(--fleet "$fleet" --network local --root "$root_id" --scope non-root-fleet)

# --- 3. Up from nothing ---------------------------------------------------------------------------
# wait_healthy: every container of the project is running and, when it has a health check
# (every service: /readyz, connected with its own identity), healthy.
wait_healthy() {
	local deadline=$((SECONDS + 120)) id line waiting
	while :; do
		waiting=""
		for id in $(dc ps -q); do
			line=$(docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}}' "$id")
			case "$line" in
			*" running healthy" | *" running -") ;;
			*) waiting="$waiting ${line#/}," ;;
			esac
		done
		[ -n "$waiting" ] || [ "$(dc ps -q | wc -l)" -ne 8 ] || return 0
		[ "$SECONDS" -lt "$deadline" ] || fail "not healthy after 120 s:$waiting"
		sleep 2
	done
}
t0=$(date +%s.%N)
say "docker-compose up -d (project $project, TLS NATS on 127.0.0.1:$base-$((base + 2)))"
long dc up -d >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; fail "docker-compose up"; }
wait_healthy
# The installation is set up (the planner created the streams and buckets) once the operator
# can list runs.
deadline=$((SECONDS + 60))
until "$fb" list --json "${operator[@]}" >"$work/list.json" 2>"$work/list.err"; do
	[ "$SECONDS" -lt "$deadline" ] || fail "the operator cannot list runs after 60 s: $(cat "$work/list.err")"
	sleep 1
done
wall_up=$(since "$t0")
ready_at=$(date -u '+%Y/%m/%d %H:%M:%S') # the servers log in UTC (no time zone in the images)
say "every container up and healthy, the operator lists runs over TLS (${wall_up}s)"

# --- 4. Refusals ----------------------------------------------------------------------------------
# refused WHAT PATTERN CMD...: CMD must fail, and its output match PATTERN (grep -Ei).
refused() {
	local what=$1 pattern=$2 status=0
	shift 2
	timeout 30 "$@" >"$work/refused.log" 2>&1 || status=$?
	[ "$status" -ne 0 ] || fail "$what: not refused: $(tail -n 5 "$work/refused.log")"
	grep -Eiq "$pattern" "$work/refused.log" ||
		fail "$what: failed (status $status), but not with /$pattern/: $(tail -n 5 "$work/refused.log")"
	say "refused as expected, $what: $(grep -Eio "$pattern" "$work/refused.log" | sed -n 1p)"
}

# A plain-text client: the server's greeting demands TLS, client certificates and authentication
# and advertises no other address; a plain CONNECT and PING gets the connection closed, no PONG.
exec 3<>"/dev/tcp/127.0.0.1/$NATS_HOST_PORT_1"
IFS= read -r -t 5 info <&3 || fail "no INFO from nats-1 on port $NATS_HOST_PORT_1"
for field in '"tls_required":true' '"tls_verify":true' '"auth_required":true'; do
	[[ $info == *"$field"* ]] || fail "the server's INFO lacks $field: ${info:0:300}"
done
[[ $info != *connect_urls* ]] || fail "the server advertises addresses to clients (no_advertise): ${info:0:400}"
printf 'CONNECT {"verbose":false,"pedantic":false,"tls_required":false}\r\nPING\r\n' >&3 2>/dev/null || true
answer=""
IFS= read -r -t 5 answer <&3 || true
exec 3<&- 3>&-
[[ $answer != PONG* ]] || fail "a plain-text client got PONG"
say "refused as expected, plain text: INFO demands TLS (verify) and auth, CONNECT+PING closed without PONG"

# nats.go turns to TLS when the server demands it, and then cannot trust the server's certificate.
refused "the CLI without TLS files on nats://" 'tls error: [^(]*' \
	"$fb" list --nats-url "nats://127.0.0.1:$NATS_HOST_PORT_1"
o="$FLEETBACKUP_AUTH_OUT/operator"
# The server's refusal reaches the client during the handshake or, with TLS 1.3, just after it.
refused "the operator's credentials over TLS without a client certificate" \
	'tls: certificate required|connection closed by remote after TLS handshake' \
	"$fb" list --nats-url "tls://127.0.0.1:$NATS_HOST_PORT_1" --nats-creds "$o/nats.creds" --nats-tls-ca "$o/ca.pem"
refused "anonymous over TLS (client certificate, no credentials)" 'authorization violation' \
	"$fb" list --nats-url "tls://127.0.0.1:$NATS_HOST_PORT_1" --nats-tls-ca "$o/ca.pem" \
	--nats-tls-cert "$o/cert.pem" --nats-tls-key "$o/key.pem"
refused "the viewer publishing a backup request" 'permissions violation for publish to "fleetbackup\.runs\.request"' \
	"$fb" run "${request[@]}" --run-id ct-viewer "${viewer[@]}"
[ "$("$fb" status --json "${viewer[@]}" ct-viewer 2>/dev/null | jq -r '.state // ""')" = "" ] ||
	fail "the viewer's refused request made a run"

# --- 5. A backup as the operator, verified ---------------------------------------------------------
run=ct-secure-backup
say "backup of $targets canisters as the operator (sim latency $FLEETBACKUP_SIM_LATENCY)"
t0=$(date +%s.%N)
long timeout 180 "$fb" run "${request[@]}" --run-id "$run" "${operator[@]}" >"$work/$run.log" 2>&1 || { tail -n 30 "$work/$run.log" >&2; fail "run $run did not complete"; }
wall_backup=$(since "$t0")
s=$("$fb" status --json "${viewer[@]}" "$run")
jq -e --argjson n "$targets" '.state == "completed" and .restart_required == false
	and .counts.completed == .counts.total and .counts.failed == 0
	and .counts.stops_completed == $n' <<<"$s" >/dev/null ||
	fail "run $run did not complete cleanly: $(jq -c '{state, error, restart_required, counts}' <<<"$s")"
mkdir -p "$work/backups"
docker cp "$(dc ps -q finalizer | sed -n 1p):/backups/$run" "$work/backups/" || fail "no backup directory /backups/$run"
"$fb" verify --json "$work/backups/$run" >"$work/verify.json" ||
	fail "fleetbackup verify $run: $(jq -c .problems "$work/verify.json")"
jq -e --argjson n "$targets" '.verified and (.artifacts | length) == $n' "$work/verify.json" >/dev/null ||
	fail "fleetbackup verify $run: not $targets verified artifacts"
say "run $run: completed in ${wall_backup}s, $(jq .counts.total <<<"$s") operations; backup verified ($targets artifacts); the viewer reads its record"

# --- 6. A restore: refused to the operator, run by the restorer --------------------------------------
refused "the operator publishing a restore request" 'permissions violation for publish to "fleetbackup\.restores\.request"' \
	"$fb" restore run --run-id ct-operator-restore "${operator[@]}" "$run"
restore=ct-secure-restore
say "restore of $run as the restorer"
t0=$(date +%s.%N)
long timeout 180 "$fb" restore run --run-id "$restore" "${restorer[@]}" "$run" >"$work/$restore.log" 2>&1 || { tail -n 30 "$work/$restore.log" >&2; fail "restore $restore did not complete"; }
wall_restore=$(since "$t0")
s=$("$fb" status --json "${viewer[@]}" "$restore")
jq -e --argjson n "$targets" '.state == "completed" and .kind == "restore" and .backup_id == "'"$run"'"
	and .counts.completed == .counts.total and .counts.failed == 0 and .counts.stops_completed == $n' <<<"$s" >/dev/null ||
	fail "restore $restore did not complete cleanly: $(jq -c '{state, kind, error, counts}' <<<"$s")"
say "restore $restore: completed in ${wall_restore}s, $(jq .counts.total <<<"$s") operations"

# --- 7. The servers' view: which permission violations they logged --------------------------------
# Expected: the CLI's two refusals above, and the workers' JetStream API calls refused while
# they set up before the planner had created the installation (a worker may neither create a
# stream or a bucket nor read the account's limits; it retries until the planner is done:
# docs/security.md). After the installation was ready, through a backup and a restore, a
# service refused anything means a grant is missing.
for id in $(dc ps -q nats-1 nats-2 nats-3); do docker logs "$id" 2>&1; done | grep 'Violation' |
	sed -n 's/^\[[0-9]*\] \([0-9/]* [0-9:]*\)\.[0-9]* .*"[^"]*:go:\([^"]*\)" - .* - \([A-Za-z]* Violation\) - Subject "\([^"]*\)".*/\1|\2|\3|\4/p; t; s/^/unparsed|||/p' |
	sort >"$work/violations" || true
unexpected=$(awk -F'|' -v ready="$ready_at" '
	$2 == "fleetbackup-cli" && ($4 == "fleetbackup.runs.request" || $4 == "fleetbackup.restores.request") { next }
	$2 ~ /^fleetbackup-(snapshotter|downloader|verifier|finalizer)$/ && $1 < ready && $4 ~ /^\$JS\.API\./ { next }
	{ print }' "$work/violations")
[ -z "$unexpected" ] || fail "unexpected permission violations in the servers' logs (time|client|kind|subject): $unexpected"
grep -q '|fleetbackup-cli|Publish Violation|fleetbackup.runs.request$' "$work/violations" ||
	fail "the servers did not log the viewer's refused publish"
say "permission violations the servers logged: $(awk -F'|' '$2 == "fleetbackup-cli" { cli++; next } { setup++ } END { printf "%d refused CLI publishes, %d refused setup calls of services before %s, none after", cli, setup, ready }' ready="$ready_at" "$work/violations")"

cat <<EOF

secure compose test passed in ${SECONDS}s (TLS, operator-mode credentials, one identity per service,
$targets canisters, sim latency $FLEETBACKUP_SIM_LATENCY):
  build (binaries, images, CLI)         ${wall_build}s
  up from nothing to healthy and set up ${wall_up}s
  backup as operator                    ${wall_backup}s
  restore as restorer                   ${wall_restore}s
EOF
