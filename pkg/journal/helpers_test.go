package journal

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// Fixture ids of DOMAIN §11.
const (
	rootID      = "aaaaa-aa"
	appID       = "renrk-eyaaa-aaaaa-aaada-cai"
	workerID    = "rno2w-sqaaa-aaaaa-aaacq-cai"
	hash        = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	preflightID = "preflight-001"
)

func ptr(s string) *string { return &s }

func target(id string, role, parent string, depth uint32) plan.Target {
	return plan.Target{
		CanisterID:       id,
		Role:             ptr(role),
		ParentCanisterID: ptr(parent),
		Depth:            depth,
		ControlAuthority: plan.ControlAuthority{
			Source: plan.ControlSource{Kind: plan.ControlRootController}, Evidence: plan.EvidenceProven},
		SnapshotReadAuthority: plan.SnapshotReadAuthority{Source: plan.ReadRootConfiguredRead, Evidence: plan.EvidenceProven},
		IdentityMode:          plan.IdentityRelocatable,
	}
}

// subtreePlan is the E1-E8 plan: subtree of APP (plan-001/run-001), root-controller/proven,
// root-configured-read/proven, root-coordinated, with the given extra targets below APP.
func subtreePlan(extra ...plan.Target) *plan.Plan {
	targets := append([]plan.Target{target(appID, "app", rootID, 1)}, extra...)
	return &plan.Plan{
		PlanID:                    "plan-001",
		RunID:                     "run-001",
		Fleet:                     "demo",
		Network:                   "local",
		RootCanisterID:            rootID,
		SelectedSubtreeRoot:       ptr(appID),
		SelectedScopeKind:         plan.ScopeSubtree,
		IncludeDescendants:        true,
		RequiresRootController:    true,
		SnapshotReadAuthority:     plan.SnapshotReadAuthority{Source: plan.ReadRootConfiguredRead, Evidence: plan.EvidenceProven},
		QuiescencePolicy:          plan.QuiescenceRootCoordinated,
		TopologyHashBeforeQuiesce: hash,
		Targets:                   targets,
		Phases:                    plan.Phases(targets),
	}
}

// fleetPlan is a subtree plan of APP with n targets: APP and n-1 children of APP.
func fleetPlan(n int) *plan.Plan {
	extra := make([]plan.Target, 0, n-1)
	for i := 1; i < n; i++ {
		blob := make([]byte, 10)
		binary.BigEndian.PutUint64(blob, uint64(i)|1<<40) // clear of the fixture ids
		blob[8], blob[9] = 1, 1
		extra = append(extra, target(principal.Encode(blob), "worker", appID, 2))
	}
	return subtreePlan(extra...)
}

func newJournal(t testing.TB, p *plan.Plan) *Journal {
	t.Helper()
	j, err := New(p)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return j
}

func acceptedJournal(t testing.TB, p *plan.Plan) *Journal {
	t.Helper()
	j := newJournal(t, p)
	if err := j.AcceptPreflight(p.PlanID, preflightID, ptr("unix:10")); err != nil {
		t.Fatalf("AcceptPreflight: %v", err)
	}
	return j
}

// completedReceipt is a completed receipt for op carrying what its kind must produce.
func completedReceipt(h Header, op Operation, at string) Receipt {
	r := h.CompletedReceipt(op, ptr(at))
	switch op.Kind {
	case plan.KindCreateSnapshot:
		r.SnapshotID = ptr("snap-" + *op.TargetCanisterID)
	case plan.KindDownloadSnapshot:
		r.ArtifactPath = ptr(plan.Seg(*op.TargetCanisterID))
	case plan.KindVerifyArtifact:
		r.Checksum = ptr(hash)
	}
	return r
}

// complete marks seq pending and records a completed receipt for it (whole-document API).
func complete(t testing.TB, j *Journal, seq int) {
	t.Helper()
	if err := j.MarkPending(seq, ptr("unix:20")); err != nil {
		t.Fatalf("MarkPending(%d): %v", seq, err)
	}
	if err := j.RecordReceipt(completedReceipt(j.Header(), j.Operations[seq], "unix:21")); err != nil {
		t.Fatalf("RecordReceipt(%d): %v", seq, err)
	}
}

// wantErr fails unless err matches sentinel and, when check is given, the *Error passes it.
func wantErr(t *testing.T, err, sentinel error, check func(*Error) bool) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("error = %v, want %v", err, sentinel)
	}
	var e *Error
	if check != nil && (!errors.As(err, &e) || !check(e)) {
		t.Fatalf("error %#v does not carry the expected fields", err)
	}
}

func isField(f string) func(*Error) bool { return func(e *Error) bool { return e.Field == f } }

func isSeq(s int) func(*Error) bool { return func(e *Error) bool { return e.Sequence == s } }
