package runstore

import (
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// The store's sentinels (package kvstore's, so that callers need not import it).
var (
	// ErrNotFound says a record does not exist.
	ErrNotFound = kvstore.ErrNotFound
	// ErrExists says a record that must be new exists already.
	ErrExists = kvstore.ErrExists
	// ErrNoChange, returned by an update function, ends the update without a write.
	ErrNoChange = kvstore.ErrNoChange
)

// OpEntry is an operation record with the key and revision it was read or written at.
type OpEntry = kvstore.Entry[OpRecord]

// RunEntry is a run record with the key and revision it was read or written at.
type RunEntry = kvstore.Entry[runs.Record]
