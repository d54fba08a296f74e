package preflight

import (
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// ApplyControl checks control authority receipts against the plan (DOMAIN §3.3 step 2) and,
// only when every check passes, replaces each target's control authority with its receipt's.
// Each receipt must be well formed, inside its window at asOf, for this plan and preflightID,
// for a plan target, and the only one for it; every target needs a proven receipt, and a
// proven root-controller one when the plan requires it (the root itself excepted).
func ApplyControl(p *plan.Plan, receipts []ControlAuthorityReceipt, preflightID, asOf string) error {
	index := p.TargetIndex()
	byTarget := make(map[string]int, len(receipts))
	for i := range receipts {
		r := &receipts[i]
		if err := checkAuthorityHeader(p, r.header(), r.TargetCanisterID, i, preflightID, asOf, index); err != nil {
			return err
		}
		if err := r.Authority.Check("preflight_receipts[].authority", i); err != nil {
			return err
		}
		if err := claim(byTarget, r.TargetCanisterID, i); err != nil {
			return err
		}
	}
	for i := range p.Targets {
		t := &p.Targets[i]
		ri, ok := byTarget[t.CanisterID]
		if !ok {
			return targetErr(ErrMissingControlAuthorityReceipt, i, t.CanisterID)
		}
		a := receipts[ri].Authority
		switch {
		case !a.Proven():
			return targetErr(ErrUnprovenControlAuthority, i, t.CanisterID)
		case p.RequiresRootController && t.CanisterID != p.RootCanisterID && !a.ProvenRootController():
			return targetErr(ErrMissingRootController, i, t.CanisterID)
		}
	}
	for i := range p.Targets {
		p.Targets[i].ControlAuthority = receipts[byTarget[p.Targets[i].CanisterID]].Authority
	}
	return nil
}

// ApplySnapshotRead checks snapshot read authority receipts (DOMAIN §3.3 step 3: the header
// checks of ApplyControl, no shape or root rule) and, only when every target has a proven one,
// replaces the targets' snapshot read authorities. The plan-level authority is not touched.
func ApplySnapshotRead(p *plan.Plan, receipts []SnapshotReadAuthorityReceipt, preflightID, asOf string) error {
	index := p.TargetIndex()
	byTarget := make(map[string]int, len(receipts))
	for i := range receipts {
		r := &receipts[i]
		if err := checkAuthorityHeader(p, r.header(), r.TargetCanisterID, i, preflightID, asOf, index); err != nil {
			return err
		}
		if err := claim(byTarget, r.TargetCanisterID, i); err != nil {
			return err
		}
	}
	for i := range p.Targets {
		t := &p.Targets[i]
		ri, ok := byTarget[t.CanisterID]
		if !ok {
			return targetErr(ErrMissingSnapshotReadAuthorityReceipt, i, t.CanisterID)
		}
		if !receipts[ri].Authority.Proven() {
			return targetErr(ErrUnprovenTargetSnapshotReadAuthority, i, t.CanisterID)
		}
	}
	for i := range p.Targets {
		p.Targets[i].SnapshotReadAuthority = receipts[byTarget[p.Targets[i].CanisterID]].Authority
	}
	return nil
}

// checkAuthorityHeader is the per-receipt check shared by both authority receipt kinds.
func checkAuthorityHeader(p *plan.Plan, h receiptHeader, target string, i int, preflightID, asOf string, index map[string]int) error {
	switch {
	case !plan.NonEmpty(h.PlanID):
		return fieldErr(ErrEmptyField, "preflight_receipts[].plan_id", i)
	case !plan.NonEmpty(h.PreflightID):
		return fieldErr(ErrEmptyField, "preflight_receipts[].preflight_id", i)
	case !principal.Valid(target):
		return &Error{Err: ErrInvalidPrincipal, Field: "preflight_receipts[].target_canister_id", Index: i, Value: target}
	case h.Message != nil && !plan.NonEmpty(*h.Message):
		return fieldErr(ErrEmptyField, "preflight_receipts[].message", i)
	}
	if err := checkWindow(h.PreflightID, h.ValidatedAt, h.ExpiresAt, asOf, i); err != nil {
		return err
	}
	switch {
	case h.PlanID != p.PlanID:
		return mismatch(ErrAuthorityReceiptPlanMismatch, "preflight_receipts[].plan_id", i, p.PlanID, h.PlanID)
	case h.PreflightID != preflightID:
		return mismatch(ErrAuthorityReceiptPreflightMismatch, "preflight_receipts[].preflight_id", i, preflightID, h.PreflightID)
	}
	if _, ok := index[target]; !ok {
		return &Error{Err: ErrUnknownAuthorityReceiptTarget, Field: "preflight_receipts[].target_canister_id", Index: i, CanisterID: target}
	}
	return nil
}

// claim records receipt i as the one for target, failing on a second receipt.
func claim(byTarget map[string]int, target string, i int) error {
	if _, dup := byTarget[target]; dup {
		return &Error{Err: ErrDuplicateAuthorityReceipt, Field: "preflight_receipts[].target_canister_id", Index: i, CanisterID: target}
	}
	byTarget[target] = i
	return nil
}

func targetErr(sentinel error, index int, id string) *Error {
	return &Error{Err: sentinel, Field: "targets[]", Index: index, CanisterID: id}
}
