package request

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// RestoreRequest is a restore request on fb.restores.request (DESIGN §10, contract).
type RestoreRequest struct {
	RunID string `json:"run_id"`
	// Backup is the run id of a completed backup under the backup root (never a path).
	Backup string `json:"backup"`
	// Network defaults to the backup's when empty.
	Network string         `json:"network"`
	Order   dispatch.Order `json:"order"`
	// Mapping restores members onto other canisters; nil restores in place.
	Mapping *restore.Mapping `json:"mapping"`
	// RequireVerified (default true) checks the layout's integrity at admission.
	RequireVerified       bool `json:"require_verified"`
	KeepUploadedSnapshots bool `json:"keep_uploaded_snapshots"`
	// OnConflict is what the run does when another run holds one of its canisters.
	OnConflict OnConflict `json:"on_conflict,omitempty"`
}

var restoreKeys = jsonKeys(reflect.TypeFor[RestoreRequest]())

// wireRestore is a RestoreRequest as decoded: the mapping raw (decoded strictly on its own) and
// require_verified as a pointer, so that absence means true.
type wireRestore struct {
	RestoreRequest
	Mapping         json.RawMessage `json:"mapping"`
	RequireVerified *bool           `json:"require_verified"`
}

// DecodeRestoreRequest reads a restore request as strictly as DecodeRequest reads a backup
// request, fills the defaults (order parallel, require_verified true, on_conflict reject) and
// checks every field that needs no backup directory.
func DecodeRestoreRequest(data []byte) (*RestoreRequest, error) {
	var w wireRestore
	if err := decodeStrict(data, restoreKeys, &w); err != nil {
		return nil, err
	}
	r := w.RestoreRequest
	r.RequireVerified = w.RequireVerified == nil || *w.RequireVerified
	if len(w.Mapping) > 0 && string(w.Mapping) != "null" {
		m, err := restore.LoadMapping(w.Mapping)
		if err != nil {
			return nil, &RequestError{Field: "mapping", Reason: err.Error(), Err: err}
		}
		r.Mapping = m
	}
	return &r, r.normalise()
}

func (r *RestoreRequest) normalise() error {
	if r.RunID != "" && !runs.IDPattern.MatchString(r.RunID) {
		return &RequestError{Field: "run_id", Reason: fmt.Sprintf("%q does not match %s", r.RunID, runs.IDPattern)}
	}
	if !runs.IDPattern.MatchString(r.Backup) {
		return &RequestError{Field: "backup", Reason: fmt.Sprintf("%q is not the run id of a backup (%s)", r.Backup, runs.IDPattern)}
	}
	order, err := dispatch.ParseOrder(string(r.Order))
	if err != nil {
		return &RequestError{Field: "order", Reason: err.Error()}
	}
	r.Order = order
	if r.OnConflict == "" {
		r.OnConflict = OnConflictReject
	}
	if r.OnConflict != OnConflictReject && r.OnConflict != OnConflictWait {
		return &RequestError{Field: "on_conflict", Reason: fmt.Sprintf("%q is not %s or %s", r.OnConflict, OnConflictReject, OnConflictWait)}
	}
	return nil
}

// Digest identifies the restore request's meaning, like Request.Digest.
func (r *RestoreRequest) Digest() string {
	data, _ := json.Marshal(struct {
		Kind string `json:"kind"`
		*RestoreRequest
	}{runs.KindRestore, r})
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
