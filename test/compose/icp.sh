#!/usr/bin/env bash
# The icp executor in compose (issue 14): compose.icp.yaml checked, then brought up for real
# with the project's fake icp (pkg/executor/icp/internal/fakeicp, built static with
# CGO_ENABLED=0) mounted as the icp binary.
#
#   1. `docker-compose config` of compose.yaml + compose.icp.yaml, with and without
#      compose.secure.yaml and with the variables' defaults: the planner, snapshotter, downloader
#      and finalizer run the icp executor on network ic with the binary, the identity directory
#      (read-only) and ICP_HOME on a tmpfs; the verifier keeps the sim executor and mounts neither.
#      An ICP_BIN that does not exist stops the planner's creation ("bind source path does not
#      exist") and is not created on the host;
#   2. up from nothing with compose.yaml + test/compose/compose.test.yaml + compose.icp.yaml and a
#      generated override that points the fake icp at the shared sim state (FAKEICP_SIM_*: the
#      fake acts on the same simulated 40-canister fleet the sim executor would, in the shared
#      sim volume, so every container sees the same canisters) and logs every invocation;
#   3. one backup of the 40 canisters to completion through the icp executor: every call the
#      services made went through the fake icp with -n ic and --identity (its log, copied out of
#      the sim volume, counts them by command), and the backup directory passes `fleetbackup verify`.
#
#   test/compose/icp.sh                     # about 2 minutes on 2 cores, images cached
#   test/compose/icp.sh --config-only       # step 1 alone, seconds (what .ci/run runs)
#
# It needs docker, docker-compose (v1 syntax), go and jq. The project, its volumes and the
# temporary directory are removed on exit whatever happened; NATS host ports are the first three
# free ones from 14222, as in run.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
export FLEETBACKUP_SIM_LATENCY="${FLEETBACKUP_SIM_LATENCY:-download=500ms}"
export FLEETBACKUP_VERSION="${FLEETBACKUP_VERSION:-compose-test}"
unset NATS_URL NATS_CREDS FLEETBACKUP_NATS_TLS_CA FLEETBACKUP_NATS_TLS_CERT FLEETBACKUP_NATS_TLS_KEY FLEETBACKUP_PREFIX
# compose.icp.yaml's variables come from this script only (see step 1 for the defaults).
unset ICP_BIN ICP_IDENTITY_DIR ICP_IDENTITY ICP_IDENTITY_PASSWORD_FILE ICP_NETWORK ICP_ROOT_KEY ICP_CA_CERTS
project="fbicp$(date +%s)$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/fleetbackup-icp.XXXXXX")
chmod 700 "$work"
fleet=compose-icp
icp_services="planner snapshotter downloader finalizer"

say() { printf '[icp %3ds] %s\n' "$SECONDS" "$*"; }
files=(-f "$root/compose.yaml" -f "$here/compose.test.yaml" -f "$root/compose.icp.yaml" -f "$work/fake-icp.yaml")
dc() { docker-compose -p "$project" --project-directory "$root" "${files[@]}" "$@"; }
stack_exists() { [ -f "$work/fake-icp.yaml" ]; }
# shellcheck source=lib.sh
. "$here/lib.sh"

# --- 1. compose.icp.yaml as docker-compose reads it ------------------------------------------------
# settings FILE...: one line per service and setting that matters here: "service executor VALUE",
# "service network VALUE", "service mount TARGET", "service tmpfs SPEC".
settings() {
	docker-compose --project-directory "$root" "$@" config | awk '
		/^[^ ]/ { in_services = ($0 == "services:"); next }
		!in_services { next }
		/^  [^ ]/ { service = $1; sub(":", "", service); tmpfs = 0; next }
		/^    [a-z_]+:/ { tmpfs = ($1 == "tmpfs:") }
		/^      FLEETBACKUP_EXECUTOR:/ { print service, "executor", $2 }
		/^      FLEETBACKUP_ICP_NETWORK:/ { print service, "network", $2 }
		/^      target: \/usr\/local\/bin\/icp$/ || /^      target: \/icp\/identity$/ { print service, "mount", $2 }
		tmpfs && /^    - / { print service, "tmpfs", $2 }'
}
check_settings() {
	local what=$1 s want got
	shift
	settings "$@" >"$work/settings" || fail "docker-compose config ($what)"
	for s in $icp_services; do
		for want in "executor icp" "network ic" "mount /usr/local/bin/icp" "mount /icp/identity" \
			"tmpfs /icp:uid=65532,gid=65532,mode=0700"; do
			grep -qx "$s $want" "$work/settings" || fail "$what: $s lacks \"$want\": $(grep "^$s " "$work/settings" | tr '\n' ';')"
		done
	done
	got=$(grep '^verifier ' "$work/settings" | tr '\n' ';')
	[ "$got" = "verifier executor sim;" ] || fail "$what: the verifier should keep the sim executor and mount nothing of icp's: $got"
}
check_settings "compose.yaml + compose.icp.yaml" -f compose.yaml -f compose.icp.yaml
check_settings "compose.yaml + compose.secure.yaml + compose.icp.yaml" -f compose.yaml -f compose.secure.yaml -f compose.icp.yaml
# A host path that is missing stops the container's creation; nothing is created on the host.
missing="$work/no-such-icp"
if ICP_BIN="$missing" docker-compose -p "${project}m" --project-directory "$root" -f compose.yaml \
	-f compose.icp.yaml up --no-start --no-deps planner >"$work/missing.log" 2>&1; then
	fail "a missing ICP_BIN did not stop the planner's creation"
fi
docker-compose -p "${project}m" --project-directory "$root" -f compose.yaml -f compose.icp.yaml \
	down -v >/dev/null 2>&1 || true
grep -q 'bind source path does not exist' "$work/missing.log" || fail "a missing ICP_BIN: $(tail -n 3 "$work/missing.log")"
[ ! -e "$missing" ] || fail "docker created the missing ICP_BIN $missing on the host"
say "docker-compose config: compose.icp.yaml switches $icp_services to the icp executor (network ic, binary, identity read-only, ICP_HOME on tmpfs), the verifier stays on sim; it combines with compose.secure.yaml; a missing ICP_BIN is refused, not created"
if [ "${1:-}" = "--config-only" ]; then
	say "--config-only: the stack is not brought up"
	exit 0
fi

# --- 2. The fake icp, static, and the stack --------------------------------------------------------
pick_ports
nats_url="nats://127.0.0.1:$NATS_HOST_PORT_1,nats://127.0.0.1:$NATS_HOST_PORT_2,nats://127.0.0.1:$NATS_HOST_PORT_3"

t0=$(date +%s.%N)
(cd pkg && CGO_ENABLED=0 GOOS=linux GOWORK=off go build -trimpath -o "$work/icp" ./executor/icp/internal/fakeicp) ||
	fail "building the fake icp"
if command -v file >/dev/null; then
	[[ $(file -b "$work/icp") == *'statically linked'* ]] || fail "the fake icp is not static: $(file -b "$work/icp")"
fi
export ICP_BIN="$work/icp" ICP_IDENTITY_DIR="$work/icp-identity" ICP_IDENTITY=fleetbackup-test ICP_NETWORK=ic
# The fake reads no identity; the directory stands for one, owned as compose.icp.yaml asks.
mkdir -m 700 "$ICP_IDENTITY_DIR"
echo '{"v1": {"identities": {}}}' >"$ICP_IDENTITY_DIR/identity_list.json"
if [ "$(id -u)" -eq 0 ]; then chown -R 65532:65532 "$ICP_IDENTITY_DIR"; else chmod -R a+rX "$ICP_IDENTITY_DIR"; fi
cat >"$work/fake-icp.yaml" <<EOF
# test/compose/icp.sh: the fake icp acts on the sim fleet in the shared sim volume.
x-fake: &fake
  FAKEICP_SIM_STATE: /sim
  FAKEICP_SIM_FLEET: /fleet/fleet-40.json
  FAKEICP_SIM_ARTIFACT_BYTES: "262144"
  FAKEICP_SIM_LATENCY: "$FLEETBACKUP_SIM_LATENCY"
  FAKEICP_LOG: /sim/fakeicp.log
services:
$(for s in $icp_services; do echo "  $s: {environment: *fake}"; done)
EOF

build_images
long go build -o "$work/fleetbackup" ./cmd/fleetbackup
fb="$work/fleetbackup"
wall_build=$(since "$t0")
say "built in ${wall_build}s (the fake icp static, CGO_ENABLED=0)"

t0=$(date +%s.%N)
say "docker-compose up -d (project $project, NATS on 127.0.0.1:$base-$((base + 2)))"
long dc up -d >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; fail "docker-compose up"; }
deadline=$((SECONDS + 120))
while :; do
	waiting=""
	for id in $(dc ps -q); do
		line=$(docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}}' "$id")
		case "$line" in *" running healthy" | *" running -") ;; *) waiting="$waiting ${line#/}," ;; esac
	done
	[ -n "$waiting" ] || [ "$(dc ps -q | wc -l)" -ne 8 ] || break
	[ "$SECONDS" -lt "$deadline" ] || fail "not healthy after 120 s:$waiting"
	sleep 2
done
until "$fb" list --nats-url "$nats_url" >/dev/null 2>"$work/list.err"; do
	[ "$SECONDS" -lt "$deadline" ] || fail "cannot list runs: $(cat "$work/list.err")"
	sleep 1
done
for s in $icp_services verifier; do
	want=icp
	[ "$s" != verifier ] || want=sim
	got=$(dc logs --no-color "$s" | grep -o '"executor":"[a-z]*"' | sed -n 1p)
	[ "$got" = "\"executor\":\"$want\"" ] || fail "$s started with $got, want the $want executor"
done
wall_up=$(since "$t0")
say "every container up and healthy (${wall_up}s); $icp_services started with the icp executor"

# --- 3. One backup through the icp executor ---------------------------------------------------------
root_id=$("$fb" plan --fleet "$fleet" --network ic --scope non-root-fleet --sim-fleet "$here/fleet-40.json" --json |
	jq -r .root_canister_id)
targets=$(jq '.Ok | length - 1' "$here/fleet-40.json")
run=ct-icp-backup
say "backup of $targets canisters through the fake icp (sim latency $FLEETBACKUP_SIM_LATENCY)"
t0=$(date +%s.%N)
long timeout 180 "$fb" run --nats-url "$nats_url" --fleet "$fleet" --network ic --root "$root_id" \
	--scope non-root-fleet --run-id "$run" >"$work/$run.log" 2>&1 ||
	{ tail -n 30 "$work/$run.log" >&2; fail "run $run did not complete"; }
wall_backup=$(since "$t0")
s=$("$fb" status --json --nats-url "$nats_url" "$run")
jq -e --argjson n "$targets" '.state == "completed" and .counts.completed == .counts.total
	and .counts.failed == 0 and .counts.stops_completed == $n' <<<"$s" >/dev/null ||
	fail "run $run did not complete cleanly: $(jq -c '{state, error, counts}' <<<"$s")"
downloader=$(dc ps -q downloader | sed -n 1p)
mkdir -p "$work/backups"
docker cp "$downloader:/backups/$run" "$work/backups/" || fail "no backup directory /backups/$run"
"$fb" verify --json "$work/backups/$run" >"$work/verify.json" ||
	fail "fleetbackup verify $run: $(jq -c .problems "$work/verify.json")"
jq -e --argjson n "$targets" '.verified and (.artifacts | length) == $n' "$work/verify.json" >/dev/null ||
	fail "fleetbackup verify $run: not $targets verified artifacts"

docker cp "$downloader:/sim/fakeicp.log" "$work/fakeicp.log" || fail "the fake icp logged no invocation"
jq -e -s 'length > 0 and all(.[]; (.args | index("-n")) as $i | $i != null and .args[$i + 1] == "ic"
	and (.args | index("--identity")) as $j | $j != null and .args[$j + 1] == "fleetbackup-test"
	and .do_not_track == "1")' "$work/fakeicp.log" >/dev/null ||
	fail "an icp call without -n ic, --identity fleetbackup-test or DO_NOT_TRACK=1: $(head -c 600 "$work/fakeicp.log")"
calls=$(jq -r 'if .args[1] == "snapshot" then .args[0:3] else .args[0:2] end | join(" ")' "$work/fakeicp.log" |
	sort | uniq -c | sort -rn | awk '{ n = $1; $1 = ""; printf "%s%s:%s", sep, substr($0, 2), n; sep = ", " }')
downloads=$(jq -s '[.[] | select(.args[0:3] == ["canister", "snapshot", "download"])] | length' "$work/fakeicp.log")
[ "$downloads" -ge "$targets" ] || fail "$downloads snapshot downloads through icp, want $targets"
say "run $run: completed in ${wall_backup}s, $(jq .counts.total <<<"$s") operations; backup verified ($targets artifacts)"
say "icp calls (-n ic --identity fleetbackup-test): $calls"

cat <<EOF

icp compose test passed in ${SECONDS}s ($targets canisters through compose.icp.yaml and the fake icp,
sim latency $FLEETBACKUP_SIM_LATENCY):
  build (binaries, images, CLI, fake icp) ${wall_build}s
  up from nothing to healthy              ${wall_up}s
  backup through the icp executor         ${wall_backup}s
EOF
