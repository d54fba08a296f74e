// A helper of test/compose/run.sh, outside the workspace (go.work): build it with GOWORK=off.
// Keep these versions at the ones cmd/fleetbackup/go.mod selects, so that the build needs
// nothing beyond what the workspace already downloaded.
module github.com/fleetbackup/fleetbackup/test/compose/jsleader

go 1.26.0

require github.com/nats-io/nats.go v1.55.0

require (
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/nats-io/nkeys v0.4.16 // indirect
	github.com/nats-io/nuid v1.0.1 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)
