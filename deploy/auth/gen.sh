#!/usr/bin/env bash
# Generates a secured installation's NATS keys, credentials and TLS certificates into
# deploy/auth/out/ (git-ignored: never commit it), for compose.secure.yaml. See docs/security.md.
#
#   deploy/auth/gen.sh                       # first time
#   deploy/auth/gen.sh -force                # rotate every key and certificate
#   deploy/auth/gen.sh -hosts nats.example.org,10.0.0.5 -server-dir /etc/nats/secure/auth
#   deploy/auth/gen.sh -matrix               # print the permission matrix
#   sudo env "PATH=$PATH" FLEETBACKUP_AUTH_OWNER=65532:65532 deploy/auth/gen.sh   # see below
#
# Every flag is passed to the generator (go run ./deploy/auth/gen.go -h lists them); the output
# directory is FLEETBACKUP_AUTH_OUT (default deploy/auth/out, the one .gitignore covers; a
# relative path is taken from the repository's root), which compose.secure.yaml mounts from. Each
# identity gets its own directory (nats.creds, ca.pem, cert.pem, key.pem); the server gets
# nats/ (auth.conf, cluster-tls.conf and its certificates). Keys and credentials are written
# readable by their owner only; the containers of compose.yaml run as 65532:65532, so give
# them the directories they mount, the server's and the five services' (FLEETBACKUP_AUTH_OWNER,
# as root; or sudo chown -R 65532:65532 deploy/auth/out/{nats,planner,snapshotter,downloader,
# verifier,finalizer}). The operator's, restorer's, viewer's, admin's and sys's stay yours.
# The operator's and accounts' seeds and the CAs' keys are never written: adding an identity
# means generating everything again.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$(dirname "$here")")
cd "$root"
out="${FLEETBACKUP_AUTH_OUT:-$here/out}"
go run ./deploy/auth/gen.go -out "$out" "$@"

if [ -n "${FLEETBACKUP_AUTH_OWNER:-}" ] && [ -d "$out/nats" ]; then
	for d in nats planner snapshotter downloader verifier finalizer; do
		chown -R "$FLEETBACKUP_AUTH_OWNER" "$out/$d"
	done
	echo "the server's and the services' directories now belong to $FLEETBACKUP_AUTH_OWNER"
fi
