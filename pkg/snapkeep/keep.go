package snapkeep

import (
	"encoding/json"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// DefaultKeep is keep_snapshots when a run does not say (request.DefaultKeepSnapshots).
const DefaultKeep = 1

// Keep is a run's keep_snapshots as its run record carries it: the record's "keep_snapshots"
// field, which is left out at the default (1). A record without the field, or with a value
// below 1, keeps the default.
//
// The request's keep_snapshots is validated at admission but, as of this package, not yet
// stored on the run record (docs/snapshot-retention.md says what must carry it). Reading the
// field through the record's JSON picks it up as soon as runs.Record has a KeepSnapshots field
// tagged json:"keep_snapshots,omitempty"; then this can read the field directly.
func Keep(run runs.Record) int {
	data, err := json.Marshal(run)
	if err != nil {
		return DefaultKeep
	}
	var fields struct {
		Keep *int `json:"keep_snapshots"`
	}
	if json.Unmarshal(data, &fields) != nil || fields.Keep == nil || *fields.Keep < 1 {
		return DefaultKeep
	}
	return *fields.Keep
}
