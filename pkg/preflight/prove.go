package preflight

import (
	"context"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// Messages of the receipts Prove builds, as the reference host executor writes them.
const (
	MessageTopology     = "root registry matched planned topology"
	MessageControl      = "icp canister status succeeded"
	MessageSnapshotRead = "operator control permits snapshot read"
	MessageQuiescence   = "crash-consistent operator backup accepted"
)

// Prove gathers a receipt bundle for p the way the reference host executor does (DOMAIN
// §10.2): it fetches and parses the root's registry and hashes it (§1.5), then reads the
// status of every target in plan order, stopping at the first failure. Every target is then
// receipted operator-controller/proven by management-status for control and snapshot read,
// the quiescence receipt echoes the plan's policy as accepted, and the topology receipt
// carries the fresh hash, so drift is caught by Apply, not here. Failures are *ProofError
// values that keep the cause matchable (executor.ErrTransient, executor.ErrPermanent, ...).
func Prove(ctx context.Context, exec executor.Executor, p *plan.Plan, preflightID, validatedAt, expiresAt string) (Bundle, error) {
	hash, err := liveTopologyHash(ctx, exec, p.RootCanisterID)
	if err != nil {
		return Bundle{}, err
	}
	for _, t := range p.Targets {
		if err := ctx.Err(); err != nil {
			return Bundle{}, &ProofError{Step: "status", CanisterID: t.CanisterID, Err: err}
		}
		if _, err := exec.Status(ctx, t.CanisterID); err != nil {
			return Bundle{}, &ProofError{Step: "status", CanisterID: t.CanisterID, Err: err}
		}
	}
	s := stamp{p.PlanID, preflightID, validatedAt, expiresAt}
	return Bundle{
		PlanID:                p.PlanID,
		PreflightID:           preflightID,
		ValidatedAt:           validatedAt,
		ExpiresAt:             expiresAt,
		Topology:              s.topology(p, hash),
		ControlAuthority:      s.control(p),
		SnapshotReadAuthority: s.snapshotRead(p),
		Quiescence:            s.quiescence(p),
	}, nil
}

// liveTopologyHash fetches, parses and hashes the root's registry.
func liveTopologyHash(ctx context.Context, exec executor.Executor, root string) (string, error) {
	data, err := exec.Registry(ctx, root)
	if err != nil {
		return "", &ProofError{Step: "registry fetch", CanisterID: root, Err: err}
	}
	entries, err := registry.Parse(data)
	if err != nil {
		return "", &ProofError{Step: "registry parse", CanisterID: root, Err: err}
	}
	hash, err := registry.TopologyHash(entries)
	if err != nil {
		return "", &ProofError{Step: "topology hash", CanisterID: root, Err: err}
	}
	return hash, nil
}

// stamp is what every receipt of one bundle shares.
type stamp struct {
	planID, preflightID, validatedAt, expiresAt string
}

func (s stamp) topology(p *plan.Plan, hash string) TopologyReceipt {
	return TopologyReceipt{
		PlanID: s.planID, PreflightID: s.preflightID,
		TopologyHashBeforeQuiesce: p.TopologyHashBeforeQuiesce, TopologyHashAtPreflight: hash,
		Targets:     p.TopologyTargets(),
		ValidatedAt: s.validatedAt, ExpiresAt: s.expiresAt, Message: msg(MessageTopology),
	}
}

func (s stamp) control(p *plan.Plan) []ControlAuthorityReceipt {
	authority := plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlOperatorController}, Evidence: plan.EvidenceProven}
	out := make([]ControlAuthorityReceipt, len(p.Targets))
	for i, t := range p.Targets {
		out[i] = ControlAuthorityReceipt{
			PlanID: s.planID, PreflightID: s.preflightID, TargetCanisterID: t.CanisterID,
			Authority: authority, ProofSource: plan.ProofManagementStatus,
			ValidatedAt: s.validatedAt, ExpiresAt: s.expiresAt, Message: msg(MessageControl),
		}
	}
	return out
}

func (s stamp) snapshotRead(p *plan.Plan) []SnapshotReadAuthorityReceipt {
	authority := plan.SnapshotReadAuthority{Source: plan.ReadOperatorController, Evidence: plan.EvidenceProven}
	out := make([]SnapshotReadAuthorityReceipt, len(p.Targets))
	for i, t := range p.Targets {
		out[i] = SnapshotReadAuthorityReceipt{
			PlanID: s.planID, PreflightID: s.preflightID, TargetCanisterID: t.CanisterID,
			Authority: authority, ProofSource: plan.ProofManagementStatus,
			ValidatedAt: s.validatedAt, ExpiresAt: s.expiresAt, Message: msg(MessageSnapshotRead),
		}
	}
	return out
}

func (s stamp) quiescence(p *plan.Plan) QuiescenceReceipt {
	return QuiescenceReceipt{
		PlanID: s.planID, PreflightID: s.preflightID,
		QuiescencePolicy: p.QuiescencePolicy, Accepted: true, Targets: p.QuiescenceTargets(),
		ValidatedAt: s.validatedAt, ExpiresAt: s.expiresAt, Message: msg(MessageQuiescence),
	}
}

func msg(s string) *string { return &s }
