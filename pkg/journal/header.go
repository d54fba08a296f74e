package journal

import (
	"fmt"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Header is the run-level part of a journal: everything except the operations, the receipts and
// restart_required (which is derived from operation states, see Counts). In the pipeline it lives
// in the run's own record; the per-operation functions take it as their O(1) context.
type Header struct {
	JournalVersion    uint16  `json:"journal_version"`
	PlanID            string  `json:"plan_id"`
	RunID             string  `json:"run_id"`
	PreflightID       *string `json:"preflight_id"`
	PreflightAccepted bool    `json:"preflight_accepted"`
}

// NewHeader is the header of a fresh journal for p (DOMAIN §4.3): version 1, no preflight.
// It does not validate p; New does.
func NewHeader(p *plan.Plan) Header {
	return Header{JournalVersion: Version, PlanID: p.PlanID, RunID: p.RunID}
}

// Header returns a copy of j's run-level fields.
func (j *Journal) Header() Header {
	return Header{
		JournalVersion:    j.JournalVersion,
		PlanID:            j.PlanID,
		RunID:             j.RunID,
		PreflightID:       clonePtr(j.PreflightID),
		PreflightAccepted: j.PreflightAccepted,
	}
}

func (j *Journal) setHeader(h Header) {
	j.JournalVersion = h.JournalVersion
	j.PlanID = h.PlanID
	j.RunID = h.RunID
	j.PreflightID = clonePtr(h.PreflightID)
	j.PreflightAccepted = h.PreflightAccepted
}

// Validate checks the header rules of DOMAIN §4.4 steps 1 and 2.
func (h Header) Validate() error {
	if h.JournalVersion != Version {
		return &Error{Err: ErrUnsupportedVersion, Version: h.JournalVersion,
			msg: fmt.Sprintf("unsupported backup execution journal version %d", h.JournalVersion)}
	}
	if err := nonEmpty("plan_id", h.PlanID); err != nil {
		return err
	}
	if err := nonEmpty("run_id", h.RunID); err != nil {
		return err
	}
	if h.PreflightID != nil {
		return nonEmpty("preflight_id", *h.PreflightID)
	}
	if h.PreflightAccepted {
		return &Error{Err: ErrAcceptedPreflightMissingID, msg: "accepted preflight is missing preflight_id"}
	}
	return nil
}

// AcceptPreflight applies the run-level half of preflight acceptance (DOMAIN §3.4): planID is the
// receipt bundle's plan id. Accepting the same preflight id again is a no-op; a different one is
// PreflightAlreadyAccepted. On error h is unchanged. Each operation then goes through AcceptOp.
func (h *Header) AcceptPreflight(planID, preflightID string, updatedAt *string) error {
	if err := nonEmpty("preflight_receipts.plan_id", planID); err != nil {
		return err
	}
	if planID != h.PlanID {
		return planMismatchErr(h.PlanID, planID)
	}
	if err := nonEmpty("preflight_id", preflightID); err != nil {
		return err
	}
	if err := optNonEmpty("updated_at", updatedAt); err != nil {
		return err
	}
	if h.PreflightID != nil && *h.PreflightID != preflightID {
		return alreadyAcceptedErr(*h.PreflightID, preflightID)
	}
	h.PreflightID = &preflightID
	h.PreflightAccepted = true
	return nil
}

// CompletedReceipt is a completed receipt for op (DOMAIN §4.7): plan, run and current preflight
// ids from h, identity from op; snapshot_id, artifact_path and checksum are left for the caller.
func (h Header) CompletedReceipt(op Operation, updatedAt *string) Receipt {
	return h.receipt(op, OutcomeCompleted, updatedAt, nil)
}

// FailedReceipt is a failed receipt for op carrying reason as its failure_reason.
func (h Header) FailedReceipt(op Operation, updatedAt *string, reason string) Receipt {
	return h.receipt(op, OutcomeFailed, updatedAt, &reason)
}

func (h Header) receipt(op Operation, outcome Outcome, updatedAt, reason *string) Receipt {
	return Receipt{
		PlanID:           h.PlanID,
		RunID:            h.RunID,
		PreflightID:      clonePtr(h.PreflightID),
		Sequence:         op.Sequence,
		OperationID:      op.OperationID,
		Kind:             op.Kind,
		TargetCanisterID: clonePtr(op.TargetCanisterID),
		Outcome:          outcome,
		UpdatedAt:        clonePtr(updatedAt),
		FailureReason:    clonePtr(reason),
	}
}

// nonEmpty applies DOMAIN §0's non-empty rule (something left after trimming whitespace).
func nonEmpty(field, value string) error {
	if strings.TrimSpace(value) == "" {
		return fieldErr(field)
	}
	return nil
}

func optNonEmpty(field string, value *string) error {
	if value == nil {
		return nil
	}
	return nonEmpty(field, *value)
}

func clonePtr(p *string) *string {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
