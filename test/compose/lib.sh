# Shared by the compose tests (run.sh, secure.sh, icp.sh), sourced after the script has set
# here, root, project, work and defined say (its log line) and dc (docker-compose with its
# project and files). It defines fail, since, long and cleanup, sets the traps that remove the
# project (containers, network, volumes) and the work directory on exit whatever happened,
# checks the tools, and offers pick_ports. A script may define stack_exists before sourcing
# this file (icp.sh: the stack exists only once its override file was written); by default
# there is always a project to remove.

fail() {
	say "FAIL: $*" >&2
	exit 1
}
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# long CMD...: runs a long command in the background and waits for it. bash runs a trap only
# once the foreground command has ended; the wait builtin lets INT and TERM clean up at once
# (cleanup ends the command).
child=""
long() {
	local status=0
	"$@" &
	child=$!
	wait "$child" || status=$?
	child=""
	return "$status"
}

declare -F stack_exists >/dev/null || stack_exists() { true; }

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	if [ -n "$child" ]; then
		kill "$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
	fi
	if stack_exists; then
		if [ "$status" -ne 0 ]; then
			say "failed (exit status $status); the stack as it was:" >&2
			dc ps >&2 || true
			dc logs --no-color --tail 30 >&2 || true
		fi
		say "removing project $project (containers, network, volumes) and $work"
		dc down -v --remove-orphans -t 5 >"$work/cleanup.log" 2>&1 || cat "$work/cleanup.log" >&2
	fi
	rm -rf "$work"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in docker docker-compose go jq; do
	command -v "$tool" >/dev/null || fail "$tool is not on PATH"
done

# pick_ports: the first three free host ports from 14222 (nothing listens on them) for the NATS
# nodes, exported as NATS_HOST_PORT_1..3 (compose.yaml) and kept in base.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_ports() {
	base=14222
	until port_free "$base" && port_free $((base + 1)) && port_free $((base + 2)); do
		base=$((base + 3))
		[ "$base" -lt 14400 ] || fail "no three free ports between 14222 and 14400"
	done
	export NATS_HOST_PORT_1=$base NATS_HOST_PORT_2=$((base + 1)) NATS_HOST_PORT_3=$((base + 2))
}

# build_images: the static binaries (deploy/build.sh) and the images of the default profile
# (services without profiles), which must all exist locally once built, or docker-compose up
# would try to pull one; sets images. The versions these tags had before, now untagged, are
# removed (rmi keeps any still in use).
build_images() {
	say "deploy/build.sh"
	long deploy/build.sh >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "deploy/build.sh"; }
	images=$(dc config | awk '
		/^[^ ]/ { in_services = ($0 == "services:"); next }
		!in_services { next }
		/^  [^ ]/ { if (name != "" && !profiled) print image; name = $1; image = "-"; profiled = 0; next }
		/^    image:/ { image = $2 }
		/^    profiles:/ { profiled = 1 }
		END { if (name != "" && !profiled) print image }' | sort -u)
	[ -n "$images" ] || fail "no images found in docker-compose config"
	local previous id image
	previous=$(docker image inspect -f '{{.Id}}' $images 2>/dev/null || true)
	say "docker-compose build"
	long dc build -q >"$work/images.log" 2>&1 || { cat "$work/images.log" >&2; fail "docker-compose build"; }
	for image in $images; do
		[ "$image" != "-" ] || fail "a service of the default profile has no image name"
		docker image inspect "$image" >/dev/null 2>&1 || fail "image $image was not built locally"
	done
	for id in $previous; do
		[ -n "$(docker image inspect -f '{{join .RepoTags ""}}' "$id" 2>/dev/null)" ] ||
			docker rmi "$id" >/dev/null 2>&1 || true
	done
}
