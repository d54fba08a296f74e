package icp

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/candid"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// outputError is why some output cannot be used; the caller wraps it with the command line.
type outputError string

func (e outputError) Error() string { return string(e) }

// decodeJSON reads exactly one JSON value into v.
func decodeJSON(out []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(out))
	if err := dec.Decode(v); err != nil {
		return outputError("not the expected JSON: " + err.Error())
	}
	if dec.More() {
		return outputError("more than one JSON value")
	}
	return nil
}

// DecodeRegistryEnvelope turns the output of `icp canister call <root> canic_subnet_registry
// '()' --query --json` into registry JSON {"Ok": [...]}: the envelope's response_bytes decoded as
// the Candid registry reply. A malformed envelope is ErrBadOutput; Candid errors are those of
// candid.DecodeRegistryReply (an Err reply is a *candid.RegistryError).
func DecodeRegistryEnvelope(out []byte) ([]byte, error) {
	raw, err := parseEnvelope(out)
	if err != nil {
		return nil, errors.Join(ErrBadOutput, err)
	}
	return candid.DecodeRegistryReply(raw)
}

// parseEnvelope reads the Candid bytes of `canister call --json`:
// {"response_bytes": "<hex>", "response_text": ..., "response_candid": ...}.
func parseEnvelope(out []byte) ([]byte, error) {
	var env struct {
		ResponseBytes *string `json:"response_bytes"`
	}
	if err := decodeJSON(out, &env); err != nil {
		return nil, err
	}
	if env.ResponseBytes == nil {
		return nil, outputError("the --json envelope has no response_bytes")
	}
	raw, err := hex.DecodeString(strings.TrimPrefix(*env.ResponseBytes, "0x"))
	if err != nil {
		return nil, outputError("response_bytes is not hex")
	}
	return raw, nil
}

// parseStatus reads the status of `canister status --json` ("Running", "Stopping", "Stopped").
func parseStatus(out []byte) (executor.Status, error) {
	var st struct {
		Status *string `json:"status"`
	}
	if err := decodeJSON(out, &st); err != nil {
		return "", err
	}
	if st.Status == nil {
		return "", outputError("no status field")
	}
	for _, s := range []executor.Status{executor.StatusRunning, executor.StatusStopping, executor.StatusStopped} {
		if strings.EqualFold(*st.Status, string(s)) {
			return s, nil
		}
	}
	return "", outputError("unknown status " + *st.Status)
}

// parseModuleHash reads the module hash of `canister status --json`, which icp prints as
// "0x<hex>", or null when no module is installed. The result is lower-case hex without the 0x
// prefix, or "" for null; a missing field is an error, so that a changed shape never reads as an
// empty canister.
func parseModuleHash(out []byte) (string, error) {
	var st struct {
		ModuleHash json.RawMessage `json:"module_hash"`
	}
	if err := decodeJSON(out, &st); err != nil {
		return "", err
	}
	if st.ModuleHash == nil {
		return "", outputError("no module_hash field")
	}
	var hash *string
	if err := json.Unmarshal(st.ModuleHash, &hash); err != nil {
		return "", outputError("module_hash is neither text nor null")
	}
	if hash == nil {
		return "", nil
	}
	h := strings.TrimPrefix(strings.TrimPrefix(*hash, "0x"), "0X")
	if !isHex(h, 0) {
		return "", outputError("module_hash is not hex")
	}
	return strings.ToLower(h), nil
}

// parseUploadedID reads the new snapshot's id from `canister snapshot upload --json`:
// {"snapshot_id": "<hex>"}, printed without a newline. The id is lower-cased like the others.
func parseUploadedID(out []byte) (string, error) {
	var up struct {
		ID *string `json:"snapshot_id"`
	}
	if err := decodeJSON(out, &up); err != nil {
		return "", err
	}
	switch {
	case up.ID == nil:
		return "", outputError("no snapshot_id field")
	case !isHex(*up.ID, 0):
		return "", outputError("snapshot_id is not hex")
	}
	return strings.ToLower(*up.ID), nil
}

// wireSnapshot is a snapshot as `--json` prints it; every field is required.
type wireSnapshot struct {
	ID             *string `json:"snapshot_id"`
	TakenAtNanos   *uint64 `json:"taken_at_timestamp"`
	TotalSizeBytes *uint64 `json:"total_size_bytes"`
}

func (w wireSnapshot) snapshot() (executor.Snapshot, error) {
	switch {
	case w.ID == nil || w.TakenAtNanos == nil || w.TotalSizeBytes == nil:
		return executor.Snapshot{}, outputError("snapshot lacks snapshot_id, taken_at_timestamp or total_size_bytes")
	case !isHex(*w.ID, 0):
		return executor.Snapshot{}, outputError("snapshot_id is not hex")
	}
	return executor.Snapshot{ID: strings.ToLower(*w.ID), TakenAtNanos: *w.TakenAtNanos, TotalSizeBytes: *w.TotalSizeBytes}, nil
}

// parseSnapshot reads `canister snapshot create --json`.
func parseSnapshot(out []byte) (executor.Snapshot, error) {
	var w wireSnapshot
	if err := decodeJSON(out, &w); err != nil {
		return executor.Snapshot{}, err
	}
	return w.snapshot()
}

// parseSnapshotList reads `canister snapshot list --json`: {"snapshots": [...]}. The result is
// never nil.
func parseSnapshotList(out []byte) ([]executor.Snapshot, error) {
	var list struct {
		Snapshots *[]wireSnapshot `json:"snapshots"`
	}
	if err := decodeJSON(out, &list); err != nil {
		return nil, err
	}
	if list.Snapshots == nil {
		return nil, outputError("no snapshots field")
	}
	snaps := make([]executor.Snapshot, 0, len(*list.Snapshots))
	for _, w := range *list.Snapshots {
		s, err := w.snapshot()
		if err != nil {
			return nil, err
		}
		snaps = append(snaps, s)
	}
	return snaps, nil
}
