// Package request is the run request of the contract (DESIGN §3): strict decoding (exact
// keys, no duplicates, no unknown fields), defaults, validation of every field that needs no
// registry, and the digest that makes a repeated request the same run.
package request

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/principal"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// MaxRequestBytes bounds a run request body: 1 MiB, the NATS server's default max_payload, the
// largest message a default server carries to fb.runs.request. A larger body (from a server
// configured for more, or handed to the CLI) is refused before it is parsed; the limit is well
// under document.MaxSize, the bound on every other document.
const MaxRequestBytes = 1 << 20

// DefaultKeepSnapshots is keep_snapshots when a request does not give it (DESIGN §3).
const DefaultKeepSnapshots = 1

// OnConflict says what a run does when another run holds one of its canisters (DESIGN §3).
type OnConflict string

// The values of on_conflict.
const (
	OnConflictReject OnConflict = "reject" // the default: the run is rejected
	OnConflictWait   OnConflict = "wait"   // the run waits until the canisters are free
)

// Request is a run request (DESIGN §3, contract).
type Request struct {
	RunID              string          `json:"run_id"`
	Fleet              string          `json:"fleet"`
	Network            string          `json:"network"`
	RootCanisterID     string          `json:"root_canister_id"`
	Scope              plan.ScopeKind  `json:"scope"`
	Selector           string          `json:"selector"`
	IncludeDescendants bool            `json:"include_descendants"`
	QuiescencePolicy   string          `json:"quiescence_policy"`
	Order              dispatch.Order  `json:"order"`
	Registry           json.RawMessage `json:"registry"`
	// KeepSnapshots is how many snapshots fleetbackup keeps per canister after a completed run.
	KeepSnapshots int `json:"keep_snapshots,omitempty"`
	// OnConflict is what the run does when another run holds one of its canisters.
	OnConflict OnConflict `json:"on_conflict,omitempty"`
}

// requestKeys is the set of Request's JSON names: the only top-level keys a request may have.
var requestKeys = jsonKeys(reflect.TypeFor[Request]())

// jsonKeys is the set of a struct type's JSON field names.
func jsonKeys(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		keys[name] = true
	}
	return keys
}

// wireRequest is a Request as decoded: keep_snapshots as a pointer, so that an explicit 0 is
// refused rather than taken for absence (null is absence, as for the other optional fields).
type wireRequest struct {
	Request
	KeepSnapshots *int `json:"keep_snapshots"`
}

// DecodeRequest reads a request strictly (top-level keys match the contract's names exactly and
// once each, unknown fields, wrong types and trailing data are errors), fills the defaults
// (scope subtree when a selector is given else non-root-fleet, policy crash-consistent, order
// parallel, keep_snapshots 1, on_conflict reject) and checks every field that needs no registry.
func DecodeRequest(data []byte) (*Request, error) {
	var w wireRequest
	if err := decodeStrict(data, requestKeys, &w); err != nil {
		return nil, err
	}
	r, err := w.request()
	if err != nil {
		return nil, err
	}
	if err := r.normalise(); err != nil {
		return nil, err
	}
	return r, nil
}

// decodeStrict decodes a request body into v: at most MaxRequestBytes, top-level keys exactly
// from known and once each (checkKeys), no unknown fields, the right types, no trailing data.
func decodeStrict(data []byte, known map[string]bool, v any) error {
	if len(data) > MaxRequestBytes {
		return &RequestError{Reason: fmt.Sprintf("request of %d bytes exceeds the limit of %d bytes", len(data), MaxRequestBytes)}
	}
	if err := checkKeys(data, known); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return &RequestError{Reason: "trailing data after the JSON object"}
	}
	return nil
}

// request is the decoded request with keep_snapshots checked.
func (w *wireRequest) request() (*Request, error) {
	r := w.Request
	if w.KeepSnapshots != nil {
		if *w.KeepSnapshots < 1 {
			return nil, keepSnapshotsError(*w.KeepSnapshots)
		}
		r.KeepSnapshots = *w.KeepSnapshots
	}
	return &r, nil
}

// decodeError turns encoding/json's error into a RequestError that names the field of a wrong
// type (its path ends in the JSON name; wireRequest's embedding adds a Go prefix) or of an
// unknown scope (the only plan enum in a request).
func keepSnapshotsError(n int) error {
	return &RequestError{Field: "keep_snapshots", Reason: fmt.Sprintf("%d is not at least 1", n)}
}

func (r *Request) normalise() error {
	if r.Scope == "" {
		r.Scope = plan.ScopeNonRootFleet
		if r.Selector != "" {
			r.Scope = plan.ScopeSubtree
		}
	}
	if r.QuiescencePolicy == "" {
		r.QuiescencePolicy = string(plan.QuiescenceCrashConsistent)
	}
	order, err := dispatch.ParseOrder(string(r.Order))
	if err != nil {
		return &RequestError{Field: "order", Reason: err.Error()}
	}
	r.Order = order
	if string(r.Registry) == "null" {
		r.Registry = nil
	}
	if r.KeepSnapshots == 0 {
		r.KeepSnapshots = DefaultKeepSnapshots
	}
	if r.OnConflict == "" {
		r.OnConflict = OnConflictReject
	}
	return r.check()
}

func (r *Request) check() error {
	if r.RunID != "" && !runs.IDPattern.MatchString(r.RunID) {
		return &RequestError{Field: "run_id", Reason: fmt.Sprintf("%q does not match %s", r.RunID, runs.IDPattern)}
	}
	for field, v := range map[string]string{"fleet": r.Fleet, "network": r.Network} {
		if strings.TrimSpace(v) == "" {
			return &RequestError{Field: field, Reason: "required"}
		}
	}
	if _, err := principal.Parse(r.RootCanisterID); err != nil {
		return &RequestError{Field: "root_canister_id", Reason: err.Error()}
	}
	var q plan.QuiescencePolicy
	if err := q.UnmarshalJSON([]byte(`"` + r.QuiescencePolicy + `"`)); err != nil {
		return &RequestError{Field: "quiescence_policy", Reason: err.Error()}
	}
	if err := r.checkSelector(); err != nil {
		return err
	}
	return r.checkOptions()
}

// checkSelector: every scope but non-root-fleet needs a selector, and non-root-fleet, which
// selects every canister but the root, refuses one rather than ignore it.
func (r *Request) checkSelector() error {
	if r.Scope == plan.ScopeNonRootFleet && r.Selector != "" {
		return &RequestError{Field: "selector", Reason: fmt.Sprintf("not allowed with scope %s, which selects every canister but the root", r.Scope)}
	}
	if r.Scope != plan.ScopeNonRootFleet && strings.TrimSpace(r.Selector) == "" {
		return &RequestError{Field: "selector", Reason: fmt.Sprintf("required for scope %s", r.Scope)}
	}
	return nil
}

// checkOptions checks the optional fields keep_snapshots and on_conflict (defaults filled).
func (r *Request) checkOptions() error {
	if r.KeepSnapshots < 1 {
		return keepSnapshotsError(r.KeepSnapshots)
	}
	switch r.OnConflict {
	case OnConflictReject, OnConflictWait:
		return nil
	}
	return &RequestError{Field: "on_conflict", Reason: fmt.Sprintf("%q is not %s or %s", r.OnConflict, OnConflictReject, OnConflictWait)}
}

// Digest identifies the request's meaning: two bodies that decode to the same request have
// the same digest, whatever their whitespace or field order, and whether or not they spell out
// a default. Optional fields at their default are left out of the digested form, so a request
// that does not use them keeps the digest it had before they existed (run records store it).
func (r *Request) Digest() string {
	canon := *r
	if canon.KeepSnapshots == DefaultKeepSnapshots {
		canon.KeepSnapshots = 0
	}
	if canon.OnConflict == OnConflictReject {
		canon.OnConflict = ""
	}
	if len(r.Registry) > 0 {
		var buf bytes.Buffer
		if json.Compact(&buf, r.Registry) == nil {
			canon.Registry = buf.Bytes()
		}
	}
	data, _ := json.Marshal(canon)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
