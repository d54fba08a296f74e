package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

const historyName = "history.jsonl"

// Call is one line of the history: a call as the simulator saw it. Lines are in the order the
// calls finished; changes to one canister are logged under its lock, so their order is exact.
type Call struct {
	TimeNanos int64  `json:"time_ns"`
	Process   int    `json:"pid"`
	Call      string `json:"call"`
	Canister  string `json:"canister"`
	// SnapshotID is the snapshot created, uploaded, loaded, deleted or downloaded, else null.
	SnapshotID *string `json:"snapshot_id"`
	// Replaced is, for a snapshot taken with replace (ReplaceSnapshot), the snapshot it replaced.
	Replaced *string `json:"replaced_snapshot_id,omitempty"`
	// StatusBefore is the canister's status when the call acted on it, else null.
	StatusBefore *executor.Status `json:"status_before"`
	// OK says the call took effect. A lost reply took effect (OK) and still returned Error.
	OK    bool    `json:"ok"`
	Error *string `json:"error"`
}

// appendHistory writes one line with a single O_APPEND write, so lines of concurrent calls and
// processes never interleave.
func appendHistory(dir string, rec *record, err error) error {
	c := Call{TimeNanos: time.Now().UnixNano(), Process: os.Getpid(), Call: rec.call, Canister: rec.canister, OK: err == nil}
	if rec.snapshotID != "" {
		c.SnapshotID = &rec.snapshotID
	}
	if rec.replaced != "" {
		c.Replaced = &rec.replaced
	}
	if rec.before != "" {
		c.StatusBefore = &rec.before
	}
	switch {
	case err != nil:
		c.Error = new(err.Error())
	case rec.lost:
		c.Error = new("reply lost (injected)")
	}
	line, jerr := json.Marshal(c)
	if jerr != nil {
		return jerr
	}
	f, ferr := os.OpenFile(filepath.Join(dir, historyName), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if ferr != nil {
		return ferr
	}
	_, werr := f.Write(append(line, '\n'))
	return errors.Join(werr, f.Close())
}

// ReadHistory returns every call logged in a state directory, in order. A missing history is
// empty; a final line cut short (a process killed mid-write) is ignored.
func ReadHistory(stateDir string) ([]Call, error) {
	path := filepath.Join(stateDir, historyName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return []Call{}, nil
	}
	if err != nil {
		return nil, err
	}
	if i := bytes.LastIndexByte(data, '\n'); i+1 < len(data) {
		data = data[:i+1]
	}
	calls := []Call{}
	for line := range bytes.Lines(data) {
		var c Call
		if err := json.Unmarshal(line, &c); err != nil {
			return nil, &StateError{Path: path, Err: err}
		}
		calls = append(calls, c)
	}
	return calls, nil
}
