package plan

import (
	"bytes"
	"encoding/json"

	"github.com/fleetbackup/fleetbackup/pkg/document"
)

// Load decodes a plan document and validates it (DOMAIN §2.5). Inputs over 64 MiB, malformed
// JSON, wrong types, unknown enum values and missing or null required fields are errors; unknown
// fields are ignored. Targets and phases of a loaded plan are never nil.
func Load(data []byte) (*Plan, error) {
	var p Plan
	if err := document.Unmarshal(data, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// decodeObject checks that every required key of a JSON object is present and not null, then
// decodes it into v (which must not have an UnmarshalJSON method of its own).
func decodeObject(data []byte, v any, prefix string, required ...string) error {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return err
	}
	for _, k := range required {
		raw, ok := keys[k]
		if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			return fieldErr(ErrMissingField, prefix+k)
		}
	}
	return json.Unmarshal(data, v)
}

// UnmarshalJSON decodes a plan strictly: required fields must be present and non-null.
func (p *Plan) UnmarshalJSON(data []byte) error {
	type raw Plan
	var r raw
	err := decodeObject(data, &r, "", "plan_id", "run_id", "fleet", "network", "root_canister_id",
		"selected_scope_kind", "include_descendants", "root_included", "requires_root_controller",
		"snapshot_read_authority", "quiescence_policy", "topology_hash_before_quiesce", "targets", "phases")
	if err != nil {
		return err
	}
	if r.Targets == nil {
		r.Targets = []Target{}
	}
	if r.Phases == nil {
		r.Phases = []Operation{}
	}
	*p = Plan(r)
	return nil
}

// UnmarshalJSON decodes a target strictly.
func (t *Target) UnmarshalJSON(data []byte) error {
	type raw Target
	var r raw
	err := decodeObject(data, &r, "targets[].", "canister_id", "depth", "control_authority",
		"snapshot_read_authority", "identity_mode")
	if err != nil {
		return err
	}
	*t = Target(r)
	return nil
}

// UnmarshalJSON decodes an operation strictly.
func (o *Operation) UnmarshalJSON(data []byte) error {
	type raw Operation
	var r raw
	if err := decodeObject(data, &r, "phases[].", "operation_id", "order", "kind"); err != nil {
		return err
	}
	*o = Operation(r)
	return nil
}

// UnmarshalJSON decodes a control authority strictly.
func (c *ControlAuthority) UnmarshalJSON(data []byte) error {
	type raw ControlAuthority
	var r raw
	if err := decodeObject(data, &r, "control_authority.", "source", "evidence"); err != nil {
		return err
	}
	*c = ControlAuthority(r)
	return nil
}

// UnmarshalJSON decodes a snapshot read authority strictly.
func (s *SnapshotReadAuthority) UnmarshalJSON(data []byte) error {
	type raw SnapshotReadAuthority
	var r raw
	if err := decodeObject(data, &r, "snapshot_read_authority.", "source", "evidence"); err != nil {
		return err
	}
	*s = SnapshotReadAuthority(r)
	return nil
}

// UnmarshalJSON decodes the tagged control source: `kind` always, `controller` and `reason`
// only (and then required) for alternate-controller.
func (c *ControlSource) UnmarshalJSON(data []byte) error {
	var kind struct {
		Kind ControlSourceKind `json:"kind"`
	}
	if err := decodeObject(data, &kind, "control_authority.source.", "kind"); err != nil {
		return err
	}
	if kind.Kind != ControlAlternateController {
		*c = ControlSource{Kind: kind.Kind}
		return nil
	}
	var alt struct {
		Controller string `json:"controller"`
		Reason     string `json:"reason"`
	}
	if err := decodeObject(data, &alt, "control_authority.source.", "controller", "reason"); err != nil {
		return err
	}
	*c = ControlSource{Kind: kind.Kind, Controller: alt.Controller, Reason: alt.Reason}
	return nil
}
