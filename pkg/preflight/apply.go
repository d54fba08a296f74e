package preflight

import (
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Apply checks a receipt bundle against the plan at asOf, in the order of DOMAIN §3.3: bundle
// header and window, control receipts, snapshot read receipts, ValidateForExecution of the
// updated plan, topology receipt, quiescence receipt. The first failure is returned and the
// plan is left unchanged; when everything passes, the targets' control and snapshot read
// authorities are replaced by the receipts' (nothing else in the plan changes).
func Apply(p *plan.Plan, b Bundle, asOf string) error {
	if err := checkBundleHeader(p, &b, asOf); err != nil {
		return err
	}
	shadow := *p
	shadow.Targets = slices.Clone(p.Targets)
	if err := ApplyControl(&shadow, b.ControlAuthority, b.PreflightID, asOf); err != nil {
		return err
	}
	if err := ApplySnapshotRead(&shadow, b.SnapshotReadAuthority, b.PreflightID, asOf); err != nil {
		return err
	}
	if err := shadow.ValidateForExecution(); err != nil {
		return err
	}
	if err := CheckTopology(&shadow, b.Topology, b.PreflightID, asOf); err != nil {
		return err
	}
	if err := CheckQuiescence(&shadow, b.Quiescence, b.PreflightID, asOf); err != nil {
		return err
	}
	for i := range p.Targets {
		p.Targets[i].ControlAuthority = shadow.Targets[i].ControlAuthority
		p.Targets[i].SnapshotReadAuthority = shadow.Targets[i].SnapshotReadAuthority
	}
	return nil
}

// checkBundleHeader is step 1: ids present, as_of a marker, the bundle's window, plan id.
func checkBundleHeader(p *plan.Plan, b *Bundle, asOf string) error {
	if !plan.NonEmpty(b.PlanID) {
		return fieldErr(ErrEmptyField, "preflight_receipts.plan_id", -1)
	}
	if !plan.NonEmpty(b.PreflightID) {
		return fieldErr(ErrEmptyField, "preflight_id", -1)
	}
	if _, err := parseMarker(fieldAsOf, asOf, -1); err != nil {
		return err
	}
	if err := checkWindow(b.PreflightID, b.ValidatedAt, b.ExpiresAt, asOf, -1); err != nil {
		return err
	}
	if b.PlanID != p.PlanID {
		return mismatch(ErrPreflightReceiptPlanMismatch, "preflight_receipts.plan_id", -1, p.PlanID, b.PlanID)
	}
	return nil
}

// CheckTopology checks the topology receipt (DOMAIN §3.3 step 5): both hashes are sha256 hex
// and equal to the plan's, and the targets equal the plan's topology projection in order.
func CheckTopology(p *plan.Plan, r TopologyReceipt, preflightID, asOf string) error {
	if err := checkSingleHeader(p, r.header(), "topology", preflightID, asOf, func() error {
		for _, h := range []struct{ field, value string }{
			{"topology.topology_hash_before_quiesce", r.TopologyHashBeforeQuiesce},
			{"topology.topology_hash_at_preflight", r.TopologyHashAtPreflight},
		} {
			if !plan.IsHash(h.value) {
				return &Error{Err: ErrInvalidTopologyHash, Field: h.field, Index: -1, Value: h.value}
			}
		}
		return nil
	}); err != nil {
		return err
	}
	want := p.TopologyHashBeforeQuiesce
	if r.TopologyHashBeforeQuiesce != want {
		return mismatch(ErrTopologyPreflightHashMismatch, "topology.topology_hash_before_quiesce", -1, want, r.TopologyHashBeforeQuiesce)
	}
	if r.TopologyHashAtPreflight != want {
		return mismatch(ErrTopologyPreflightHashMismatch, "topology.topology_hash_at_preflight", -1, want, r.TopologyHashAtPreflight)
	}
	if !slices.EqualFunc(r.Targets, p.TopologyTargets(), plan.TopologyTarget.Equal) {
		return fieldErr(ErrTopologyPreflightTargetsMismatch, "topology.targets", -1)
	}
	return nil
}

// CheckQuiescence checks the quiescence receipt (DOMAIN §3.3 step 6): it echoes the plan's
// policy, accepts it, and lists exactly the plan's quiescence projection in order.
func CheckQuiescence(p *plan.Plan, r QuiescenceReceipt, preflightID, asOf string) error {
	if err := checkSingleHeader(p, r.header(), "quiescence", preflightID, asOf, nil); err != nil {
		return err
	}
	if r.QuiescencePolicy != p.QuiescencePolicy {
		return mismatch(ErrQuiescencePolicyMismatch, "quiescence.quiescence_policy", -1,
			string(p.QuiescencePolicy), string(r.QuiescencePolicy))
	}
	if !r.Accepted {
		return fieldErr(ErrQuiescencePreflightRejected, "quiescence.accepted", -1)
	}
	if !slices.EqualFunc(r.Targets, p.QuiescenceTargets(), plan.QuiescenceTarget.Equal) {
		return fieldErr(ErrQuiescencePreflightTargetsMismatch, "quiescence.targets", -1)
	}
	return nil
}

// checkSingleHeader checks a topology or quiescence receipt's header: ids present, then
// extra (the topology hash format, run between the ids and the message), message, window,
// plan id and preflight id.
func checkSingleHeader(p *plan.Plan, h receiptHeader, name, preflightID, asOf string, extra func() error) error {
	if !plan.NonEmpty(h.PlanID) {
		return fieldErr(ErrEmptyField, name+".plan_id", -1)
	}
	if !plan.NonEmpty(h.PreflightID) {
		return fieldErr(ErrEmptyField, name+".preflight_id", -1)
	}
	if extra != nil {
		if err := extra(); err != nil {
			return err
		}
	}
	if h.Message != nil && !plan.NonEmpty(*h.Message) {
		return fieldErr(ErrEmptyField, name+".message", -1)
	}
	if err := checkWindow(h.PreflightID, h.ValidatedAt, h.ExpiresAt, asOf, -1); err != nil {
		return err
	}
	if h.PlanID != p.PlanID {
		return mismatch(ErrPreflightReceiptPlanMismatch, name+".plan_id", -1, p.PlanID, h.PlanID)
	}
	if h.PreflightID != preflightID {
		return mismatch(ErrPreflightReceiptIDMismatch, name+".preflight_id", -1, preflightID, h.PreflightID)
	}
	return nil
}
