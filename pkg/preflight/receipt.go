package preflight

import "github.com/fleetbackup/fleetbackup/pkg/plan"

// Bundle is the set of preflight receipts for one plan (DOMAIN §3.1). It is checked and
// applied to the plan (Apply) but never persisted as such.
type Bundle struct {
	PlanID                string                         `json:"plan_id"`
	PreflightID           string                         `json:"preflight_id"`
	ValidatedAt           string                         `json:"validated_at"`
	ExpiresAt             string                         `json:"expires_at"`
	Topology              TopologyReceipt                `json:"topology"`
	ControlAuthority      []ControlAuthorityReceipt      `json:"control_authority"`
	SnapshotReadAuthority []SnapshotReadAuthorityReceipt `json:"snapshot_read_authority"`
	Quiescence            QuiescenceReceipt              `json:"quiescence"`
}

// TopologyReceipt asserts that the live topology hash still equals the planned one and that the
// target set and shape are unchanged.
type TopologyReceipt struct {
	PlanID                    string                `json:"plan_id"`
	PreflightID               string                `json:"preflight_id"`
	TopologyHashBeforeQuiesce string                `json:"topology_hash_before_quiesce"`
	TopologyHashAtPreflight   string                `json:"topology_hash_at_preflight"`
	Targets                   []plan.TopologyTarget `json:"targets"`
	ValidatedAt               string                `json:"validated_at"`
	ExpiresAt                 string                `json:"expires_at"`
	Message                   *string               `json:"message"`
}

// ControlAuthorityReceipt says who can stop, start and snapshot one target, and how surely.
type ControlAuthorityReceipt struct {
	PlanID           string                `json:"plan_id"`
	PreflightID      string                `json:"preflight_id"`
	TargetCanisterID string                `json:"target_canister_id"`
	Authority        plan.ControlAuthority `json:"authority"`
	ProofSource      plan.ProofSource      `json:"proof_source"`
	ValidatedAt      string                `json:"validated_at"`
	ExpiresAt        string                `json:"expires_at"`
	Message          *string               `json:"message"`
}

// SnapshotReadAuthorityReceipt says whether one target's snapshots can be read back.
type SnapshotReadAuthorityReceipt struct {
	PlanID           string                     `json:"plan_id"`
	PreflightID      string                     `json:"preflight_id"`
	TargetCanisterID string                     `json:"target_canister_id"`
	Authority        plan.SnapshotReadAuthority `json:"authority"`
	ProofSource      plan.ProofSource           `json:"proof_source"`
	ValidatedAt      string                     `json:"validated_at"`
	ExpiresAt        string                     `json:"expires_at"`
	Message          *string                    `json:"message"`
}

// QuiescenceReceipt says whether the quiescence policy was accepted for exactly the planned targets.
type QuiescenceReceipt struct {
	PlanID           string                  `json:"plan_id"`
	PreflightID      string                  `json:"preflight_id"`
	QuiescencePolicy plan.QuiescencePolicy   `json:"quiescence_policy"`
	Accepted         bool                    `json:"accepted"`
	Targets          []plan.QuiescenceTarget `json:"targets"`
	ValidatedAt      string                  `json:"validated_at"`
	ExpiresAt        string                  `json:"expires_at"`
	Message          *string                 `json:"message"`
}

// receiptHeader is what every receipt carries besides its assertion.
type receiptHeader struct {
	PlanID, PreflightID, ValidatedAt, ExpiresAt string
	Message                                     *string
}

func (r *ControlAuthorityReceipt) header() receiptHeader {
	return receiptHeader{r.PlanID, r.PreflightID, r.ValidatedAt, r.ExpiresAt, r.Message}
}

func (r *SnapshotReadAuthorityReceipt) header() receiptHeader {
	return receiptHeader{r.PlanID, r.PreflightID, r.ValidatedAt, r.ExpiresAt, r.Message}
}

func (r *TopologyReceipt) header() receiptHeader {
	return receiptHeader{r.PlanID, r.PreflightID, r.ValidatedAt, r.ExpiresAt, r.Message}
}

func (r *QuiescenceReceipt) header() receiptHeader {
	return receiptHeader{r.PlanID, r.PreflightID, r.ValidatedAt, r.ExpiresAt, r.Message}
}
