package preflight

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// simIC is a tiny simulated IC: it answers registry and status calls and logs them.
type simIC struct {
	mu          sync.Mutex
	registry    []byte
	registryErr error
	statusErr   map[string]error
	calls       []string
}

func newSimIC(t *testing.T, entries []registry.Entry) *simIC {
	t.Helper()
	data, err := registry.Encode(entries)
	if err != nil {
		t.Fatal(err)
	}
	return &simIC{registry: data, statusErr: map[string]error{}}
}

func (s *simIC) log(call string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, call)
}

func (s *simIC) Registry(_ context.Context, root string) ([]byte, error) {
	s.log("registry:" + root)
	return s.registry, s.registryErr
}

func (s *simIC) Status(_ context.Context, id string) (executor.Status, error) {
	s.log("status:" + id)
	if err := s.statusErr[id]; err != nil {
		return "", err
	}
	return executor.StatusRunning, nil
}

func (s *simIC) Stop(context.Context, string) error {
	return executor.Permanent("sim", "not in preflight")
}
func (s *simIC) Start(context.Context, string) error {
	return executor.Permanent("sim", "not in preflight")
}
func (s *simIC) CreateSnapshot(context.Context, string) (executor.Snapshot, error) {
	return executor.Snapshot{}, executor.Permanent("sim", "not in preflight")
}
func (s *simIC) ListSnapshots(context.Context, string) ([]executor.Snapshot, error) {
	return nil, executor.Permanent("sim", "not in preflight")
}
func (s *simIC) DownloadSnapshot(context.Context, string, string, string, bool) error {
	return executor.Permanent("sim", "not in preflight")
}

// operatorPlan is a subtree(APP) plan whose topology hash is the live one of registry3.
func operatorPlan(t *testing.T) *plan.Plan {
	t.Helper()
	p := builtPlan(t, plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlOperatorController}, Evidence: plan.EvidenceDeclared})
	hash, err := registry.TopologyHash(registry3())
	if err != nil {
		t.Fatal(err)
	}
	p.TopologyHashBeforeQuiesce = hash
	return p
}

func TestProveThenApply(t *testing.T) {
	p := operatorPlan(t)
	sim := newSimIC(t, registry3())
	b, err := Prove(context.Background(), sim, p, ID(p.RunID), fixValidated, ExpiresAt(fixValidated))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"registry:" + ROOT, "status:" + APP, "status:" + WORKER}
	if !slices.Equal(sim.calls, want) {
		t.Fatalf("calls %v", sim.calls)
	}
	if b.PreflightID != "preflight-run-001" || b.ExpiresAt != "unix:400" || b.Topology.TopologyHashAtPreflight != p.TopologyHashBeforeQuiesce {
		t.Fatalf("bundle header %+v", b)
	}
	c := b.ControlAuthority[1]
	if c.TargetCanisterID != WORKER || c.Authority != operatorCtl || c.ProofSource != plan.ProofManagementStatus ||
		*c.Message != MessageControl || *b.SnapshotReadAuthority[0].Message != MessageSnapshotRead ||
		b.SnapshotReadAuthority[0].Authority != (plan.SnapshotReadAuthority{Source: plan.ReadOperatorController, Evidence: plan.EvidenceProven}) {
		t.Fatalf("authority receipts %+v %+v", c, b.SnapshotReadAuthority[0])
	}
	if b.Quiescence.QuiescencePolicy != p.QuiescencePolicy || !b.Quiescence.Accepted || *b.Quiescence.Message != MessageQuiescence ||
		*b.Topology.Message != MessageTopology {
		t.Fatalf("quiescence %+v", b.Quiescence)
	}
	if err := Apply(p, b, fixValidated); err != nil {
		t.Fatal(err)
	}
	if err := p.ValidateForExecution(); err != nil {
		t.Fatal(err)
	}
}

func TestProvedRootControllerPlanIsNotExecutable(t *testing.T) {
	// §10.2: the host executor proves operator control, which a root-controller plan rejects.
	p := builtPlan(t, declaredCtl)
	hash, _ := registry.TopologyHash(registry3())
	p.TopologyHashBeforeQuiesce = hash
	b, err := Prove(context.Background(), newSimIC(t, registry3()), p, fixPreflightID, fixValidated, fixExpires)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, Apply(p, b, fixAsOf), ErrMissingRootController, &Error{CanisterID: APP})
}

func TestProveDetectsDriftThroughApply(t *testing.T) {
	p := operatorPlan(t)
	drifted := registry3()
	drifted[2].ParentPid = sp(ROOT)
	b, err := Prove(context.Background(), newSimIC(t, drifted), p, fixPreflightID, fixValidated, fixExpires)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, Apply(p, b, fixAsOf), ErrTopologyPreflightHashMismatch, nil)
}

func TestProveFailures(t *testing.T) {
	p := operatorPlan(t)
	cases := []struct {
		name  string
		setup func(s *simIC)
		want  []error
		calls int
	}{
		{"registry transient", func(s *simIC) { s.registryErr = executor.Transient("sim", "replica busy") },
			[]error{ErrPreflightFailed, executor.ErrTransient}, 1},
		{"registry shape", func(s *simIC) { s.registry = []byte(`{"Err": "nope"}`) },
			[]error{ErrPreflightFailed, registry.ErrInvalidShape}, 1},
		{"bad registry principal", func(s *simIC) { s.registry = []byte(`[{"pid": "not-a-principal"}]`) },
			[]error{ErrPreflightFailed, registry.ErrInvalidPrincipal}, 1},
		{"status permanent stops at first failure", func(s *simIC) { s.statusErr[APP] = executor.Permanent("sim", "not a controller") },
			[]error{ErrPreflightFailed, executor.ErrPermanent}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sim := newSimIC(t, registry3())
			c.setup(sim)
			_, err := Prove(context.Background(), sim, p, fixPreflightID, fixValidated, fixExpires)
			for _, w := range c.want {
				if !errors.Is(err, w) {
					t.Fatalf("err = %v, want %v", err, w)
				}
			}
			if len(sim.calls) != c.calls {
				t.Fatalf("calls %v", sim.calls)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Prove(ctx, newSimIC(t, registry3()), p, fixPreflightID, fixValidated, fixExpires); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestWindowHelpers(t *testing.T) {
	if ID("run-001") != "preflight-run-001" {
		t.Fatal("ID")
	}
	if got := ExpiresAt("unix:+10"); got != "unix:310" {
		t.Fatalf("ExpiresAt = %s", got)
	}
	if got := ExpiresAt("unix:18446744073709551615"); got != "unix:18446744073709551615" {
		t.Fatalf("saturating ExpiresAt = %s", got)
	}
	if got := ExpiresAt("2026-01-01"); !strings.HasPrefix(got, "unix:") || got == "unix:300" {
		t.Fatalf("fallback ExpiresAt = %s", got)
	}
}

func TestBundleJSONKeys(t *testing.T) {
	data, err := document.Marshal(fullBundle(fixturePlan()))
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	order := func(keys ...string) {
		t.Helper()
		last := -1
		for _, k := range keys {
			i := strings.Index(s[last+1:], `"`+k+`"`)
			if i < 0 {
				t.Fatalf("key %s missing or out of order in\n%s", k, s)
			}
			last += 1 + i
		}
	}
	order("plan_id", "preflight_id", "validated_at", "expires_at", "topology", "control_authority",
		"snapshot_read_authority", "quiescence")
	order("control_authority", "plan_id", "preflight_id", "target_canister_id", "authority", "proof_source",
		"validated_at", "expires_at", "message")
	order("quiescence", "plan_id", "preflight_id", "quiescence_policy", "accepted", "targets", "validated_at", "expires_at", "message")
	order("topology", "plan_id", "preflight_id", "topology_hash_before_quiesce", "topology_hash_at_preflight", "targets",
		"canister_id", "parent_canister_id", "depth", "validated_at", "expires_at", "message")
}
