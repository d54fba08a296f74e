package pipeline

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// ErrBadRequest is matched by every rejection of a run request.
var ErrBadRequest = errors.New("bad run request")

// RequestError says which field of a run request is wrong and why.
type RequestError struct {
	Field  string
	Reason string
}

func (e *RequestError) Error() string {
	if e.Field == "" {
		return "bad run request: " + e.Reason
	}
	return fmt.Sprintf("bad run request: %s: %s", e.Field, e.Reason)
}

// Unwrap makes errors.Is(err, ErrBadRequest) true.
func (e *RequestError) Unwrap() error { return ErrBadRequest }

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
}

// DecodeRequest reads a request strictly (unknown fields and wrong types are errors), fills
// the defaults (scope subtree when a selector is given else non-root-fleet, policy
// crash-consistent, order parallel) and checks every field that needs no registry.
func DecodeRequest(data []byte) (*Request, error) {
	if len(data) > document.MaxSize {
		return nil, &RequestError{Reason: fmt.Sprintf("request of %d bytes exceeds %d", len(data), document.MaxSize)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Request
	if err := dec.Decode(&r); err != nil {
		return nil, &RequestError{Reason: "malformed JSON: " + err.Error()}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &RequestError{Reason: "trailing data after the JSON object"}
	}
	if err := r.normalise(); err != nil {
		return nil, err
	}
	return &r, nil
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
	return r.check()
}

func (r *Request) check() error {
	if r.RunID != "" && !bus.RunIDPattern.MatchString(r.RunID) {
		return &RequestError{Field: "run_id", Reason: fmt.Sprintf("%q does not match %s", r.RunID, bus.RunIDPattern)}
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
	if r.Scope != plan.ScopeNonRootFleet && strings.TrimSpace(r.Selector) == "" {
		return &RequestError{Field: "selector", Reason: fmt.Sprintf("required for scope %s", r.Scope)}
	}
	return nil
}

// Digest identifies the request's meaning: two bodies that decode to the same request have
// the same digest, whatever their whitespace or field order.
func (r *Request) Digest() string {
	canon := *r
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

// GuessRunID extracts a usable run id from a request that failed to decode, so that the
// rejection can be recorded; it returns "" when there is none.
func GuessRunID(data []byte) string {
	var probe struct {
		RunID string `json:"run_id"`
	}
	if json.Unmarshal(data, &probe) != nil || !bus.RunIDPattern.MatchString(probe.RunID) {
		return ""
	}
	return probe.RunID
}
