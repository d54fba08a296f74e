#!/usr/bin/env bash
# Builds the static Linux binaries that the FROM-scratch images of compose.yaml copy:
# the five services and the official nats-server (its own module and go.sum, at the
# version pkg/go.mod requires), into deploy/bin/. Then: docker-compose build.
#
#   deploy/build.sh                      # host architecture
#   GOARCH=arm64 deploy/build.sh         # another architecture
#   FLEETBACKUP_VERSION=v1.0.0 deploy/build.sh   # else `git describe`, or "dev" outside a clone
#
# test/compose/run.sh runs it (FLEETBACKUP_VERSION=compose-test) before bringing compose.yaml up.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin="$here/bin"
services=(planner snapshotter downloader verifier finalizer)

export CGO_ENABLED=0 GOOS=linux GOARCH="${GOARCH:-$(go env GOARCH)}" GOWORK=off
version="${FLEETBACKUP_VERSION:-$(git -C "$root" describe --always --dirty 2>/dev/null || echo dev)}"
ldflags="-s -w -X github.com/fleetbackup/fleetbackup/pkg/svc.Version=$version"

mkdir -p "$bin"
for s in "${services[@]}"; do
	echo "building $s ($version, $GOOS/$GOARCH)"
	(cd "$root/services/$s" && go build -trimpath -ldflags "$ldflags" -o "$bin/$s" .)
done

# The nats-server version every module uses (STYLE: one nats-server version in the workspace).
nats_version=$(awk '$1 == "github.com/nats-io/nats-server/v2" { print $2 }' "$root/pkg/go.mod")
nats_version="${nats_version:-v2.15.2}"
echo "building nats-server $nats_version"
nats_dir=$(cd / && go mod download -json "github.com/nats-io/nats-server/v2@$nats_version" |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$nats_dir" ]; then
	echo "build.sh: cannot download github.com/nats-io/nats-server/v2@$nats_version" >&2
	exit 1
fi
(cd "$nats_dir" && go build -trimpath -ldflags "-s -w" -o "$bin/nats-server" .)

# Directories the images need, owned by the unprivileged user the containers run as (named
# volumes mounted on them start with this ownership).
mkdir -p "$bin/rootfs/backups" "$bin/rootfs/sim" "$bin/rootfs/data" "$bin/rootfs/tmp"
echo "binaries in $bin"
