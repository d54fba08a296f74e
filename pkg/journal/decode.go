package journal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/document"
)

// Load decodes an execution journal document and validates it (DOMAIN §4.4). Inputs over
// document.MaxSize (64 MiB), malformed JSON, wrong types, unknown enum values, negative sequences
// and missing or null required fields match ErrDecode; unknown fields are ignored; optional
// fields may be missing (null). Slices of a loaded journal are never nil.
func Load(data []byte) (*Journal, error) {
	if len(data) > document.MaxSize {
		return nil, fmt.Errorf("%w: %w: %d bytes", ErrDecode, document.ErrTooLarge, len(data))
	}
	var j Journal
	if err := json.Unmarshal(data, &j); err != nil {
		if !errors.Is(err, ErrDecode) {
			err = fmt.Errorf("%w: %w", ErrDecode, err)
		}
		return nil, err
	}
	if err := j.Validate(); err != nil {
		return nil, err
	}
	return &j, nil
}

// UnmarshalJSON decodes a journal strictly (see Load) without validating it. Operation and
// Receipt deliberately have no UnmarshalJSON of their own, so that records embedding them
// decode normally; their strict decoding happens here.
func (j *Journal) UnmarshalJSON(data []byte) error {
	var raw struct {
		JournalVersion    uint16            `json:"journal_version"`
		PlanID            string            `json:"plan_id"`
		RunID             string            `json:"run_id"`
		PreflightID       *string           `json:"preflight_id"`
		PreflightAccepted bool              `json:"preflight_accepted"`
		RestartRequired   bool              `json:"restart_required"`
		Operations        []json.RawMessage `json:"operations"`
		OperationReceipts []json.RawMessage `json:"operation_receipts"`
	}
	err := decodeObject(data, &raw, "", "journal_version", "plan_id", "run_id", "preflight_accepted",
		"restart_required", "operations", "operation_receipts")
	if err != nil {
		return err
	}
	out := Journal{JournalVersion: raw.JournalVersion, PlanID: raw.PlanID, RunID: raw.RunID,
		PreflightID: raw.PreflightID, PreflightAccepted: raw.PreflightAccepted, RestartRequired: raw.RestartRequired,
		Operations: make([]Operation, len(raw.Operations)), OperationReceipts: make([]Receipt, len(raw.OperationReceipts))}
	for i, b := range raw.Operations {
		if err := decodeOperation(b, &out.Operations[i]); err != nil {
			return err
		}
	}
	for i, b := range raw.OperationReceipts {
		if err := decodeReceipt(b, &out.OperationReceipts[i]); err != nil {
			return err
		}
	}
	*j = out
	return nil
}

func decodeOperation(data []byte, op *Operation) error {
	err := decodeObject(data, op, "operations[].", "sequence", "operation_id", "kind", "state", "blocking_reasons")
	if err != nil {
		return err
	}
	if op.Sequence < 0 {
		return decodeErr("operations[].sequence", "negative")
	}
	if op.BlockingReasons == nil {
		op.BlockingReasons = []string{}
	}
	return nil
}

func decodeReceipt(data []byte, r *Receipt) error {
	err := decodeObject(data, r, "operation_receipts[].", "plan_id", "run_id", "sequence", "operation_id", "kind", "outcome")
	if err != nil {
		return err
	}
	if r.Sequence < 0 {
		return decodeErr("operation_receipts[].sequence", "negative")
	}
	return nil
}

// decodeObject checks that every required key of a JSON object is present and not null, then
// decodes the object into v.
func decodeObject(data []byte, v any, prefix string, required ...string) error {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrDecode, nameOr(prefix), err)
	}
	for _, k := range required {
		raw, ok := keys[k]
		if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			return decodeErr(prefix+k, "missing or null")
		}
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrDecode, nameOr(prefix), err)
	}
	return nil
}

func decodeErr(field, why string) *Error {
	return &Error{Err: ErrDecode, Field: field, msg: fmt.Sprintf("field %s is %s", field, why)}
}

func nameOr(prefix string) string {
	if prefix == "" {
		return "journal"
	}
	return strings.TrimSuffix(prefix, ".")
}
