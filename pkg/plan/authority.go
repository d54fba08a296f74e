package plan

import (
	"encoding/json"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// Proven reports whether the control authority is proven from a known source (DOMAIN §2.2).
func (c ControlAuthority) Proven() bool {
	return c.Evidence == EvidenceProven && c.Source.Kind != ControlUnknown
}

// ProvenRootController reports whether the root canister is proven to control the target.
func (c ControlAuthority) ProvenRootController() bool {
	return c.Evidence == EvidenceProven && c.Source.Kind == ControlRootController
}

// Proven reports whether the snapshot read authority is proven from a known source.
func (s SnapshotReadAuthority) Proven() bool {
	return s.Evidence == EvidenceProven && s.Source != ReadUnknown
}

// Check validates the authority's shape: known enum values, and for alternate-controller a
// valid controller principal and a non-empty reason. field prefixes the reported field names.
func (c ControlAuthority) Check(field string, index int) error {
	if !knownEvidence(c.Evidence) {
		return enumErr(field+".evidence", index, string(c.Evidence))
	}
	switch c.Source.Kind {
	case ControlUnknown, ControlRootController, ControlOperatorController:
		return nil
	case ControlAlternateController:
		if !principal.Valid(c.Source.Controller) {
			return principalErr(field+".source.controller", index, c.Source.Controller)
		}
		if !NonEmpty(c.Source.Reason) {
			return &Error{Err: ErrEmptyField, Field: field + ".source.reason", Index: index}
		}
		return nil
	}
	return enumErr(field+".source.kind", index, string(c.Source.Kind))
}

// Check validates that both enum values of the snapshot read authority are known.
func (s SnapshotReadAuthority) Check(field string, index int) error {
	if !knownEvidence(s.Evidence) {
		return enumErr(field+".evidence", index, string(s.Evidence))
	}
	switch s.Source {
	case ReadUnknown, ReadOperatorController, ReadSnapshotVisibility, ReadRootConfiguredRead, ReadRootMediatedTransfer:
		return nil
	}
	return enumErr(field+".source", index, string(s.Source))
}

func knownEvidence(e AuthorityEvidence) bool {
	return e == EvidenceProven || e == EvidenceDeclared || e == EvidenceUnknown
}

// NonEmpty reports whether s has a non-whitespace character (DOMAIN §0).
func NonEmpty(s string) bool { return strings.TrimSpace(s) != "" }

// MarshalJSON writes the tagged object: only `kind`, plus `controller` and `reason` for
// alternate-controller (always present there, even when empty).
func (c ControlSource) MarshalJSON() ([]byte, error) {
	if c.Kind == ControlAlternateController {
		return json.Marshal(struct {
			Kind       ControlSourceKind `json:"kind"`
			Controller string            `json:"controller"`
			Reason     string            `json:"reason"`
		}{c.Kind, c.Controller, c.Reason})
	}
	return json.Marshal(struct {
		Kind ControlSourceKind `json:"kind"`
	}{c.Kind})
}
