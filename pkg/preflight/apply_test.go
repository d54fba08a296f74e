package preflight

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// wantErr checks the sentinel and, when want is non-nil, the fields of the *Error.
func wantErr(t *testing.T, err, sentinel error, want *Error) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("err = %v, want %v", err, sentinel)
	}
	if want == nil {
		return
	}
	var got *Error
	if !errors.As(err, &got) {
		t.Fatalf("%v is not a *preflight.Error", err)
	}
	want.Err, want.Index, want.Field = got.Err, got.Index, got.Field
	if *got != *want {
		t.Fatalf("error fields\n got %+v\nwant %+v", *got, *want)
	}
}

// P16
func TestApplyProvenRootReceiptsToDeclaredPlan(t *testing.T) {
	p := declaredPlan()
	if err := ApplyControl(p, []ControlAuthorityReceipt{controlReceipt(APP, rootControl)}, fixPreflightID, fixAsOf); err != nil {
		t.Fatal(err)
	}
	if err := ApplySnapshotRead(p, []SnapshotReadAuthorityReceipt{readReceipt(APP, rootRead)}, fixPreflightID, fixAsOf); err != nil {
		t.Fatal(err)
	}
	if p.Targets[0].ControlAuthority != rootControl || p.Targets[0].SnapshotReadAuthority != rootRead {
		t.Fatalf("authorities not upgraded: %+v", p.Targets[0])
	}
	if err := p.ValidateForExecution(); err != nil {
		t.Fatal(err)
	}
}

func TestApplyControlRules(t *testing.T) {
	cases := []struct {
		name     string
		plan     func(t *testing.T) *plan.Plan
		receipts []ControlAuthorityReceipt
		asOf     string
		sentinel error
		want     *Error
	}{
		{"P17 missing receipt for WORKER", func(t *testing.T) *plan.Plan { return builtPlan(t, declaredCtl) },
			[]ControlAuthorityReceipt{controlReceipt(APP, rootControl)}, fixAsOf,
			ErrMissingControlAuthorityReceipt, &Error{CanisterID: WORKER}},
		{"P18 receipt for a non-target", func(*testing.T) *plan.Plan { return declaredPlan() },
			[]ControlAuthorityReceipt{controlReceipt(APP, rootControl), controlReceipt(WORKER, rootControl)}, fixAsOf,
			ErrUnknownAuthorityReceiptTarget, &Error{CanisterID: WORKER}},
		{"P19 declared receipt", func(*testing.T) *plan.Plan { return declaredPlan() },
			[]ControlAuthorityReceipt{controlReceipt(APP, declaredCtl)}, fixAsOf,
			ErrUnprovenControlAuthority, &Error{CanisterID: APP}},
		{"P20 operator receipt on root-controller plan", func(*testing.T) *plan.Plan { return declaredPlan() },
			[]ControlAuthorityReceipt{controlReceipt(APP, operatorCtl)}, fixAsOf,
			ErrMissingRootController, &Error{CanisterID: APP}},
		{"P29 expired standalone receipts", func(*testing.T) *plan.Plan { return declaredPlan() },
			[]ControlAuthorityReceipt{controlReceipt(APP, rootControl)}, "unix:250",
			ErrPreflightReceiptExpired, &Error{PreflightID: fixPreflightID, ExpiresAt: fixExpires, AsOf: "unix:250"}},
		{"duplicate receipt", func(*testing.T) *plan.Plan { return declaredPlan() },
			[]ControlAuthorityReceipt{controlReceipt(APP, rootControl), controlReceipt(APP, rootControl)}, fixAsOf,
			ErrDuplicateAuthorityReceipt, &Error{CanisterID: APP}},
		{"no receipts", func(*testing.T) *plan.Plan { return declaredPlan() }, nil, fixAsOf,
			ErrMissingControlAuthorityReceipt, &Error{CanisterID: APP}},
		{"bad target principal", func(*testing.T) *plan.Plan { return declaredPlan() },
			[]ControlAuthorityReceipt{controlReceipt("APP", rootControl)}, fixAsOf, ErrInvalidPrincipal, &Error{Value: "APP"}},
		{"bad alternate controller", func(*testing.T) *plan.Plan { return declaredPlan() },
			[]ControlAuthorityReceipt{controlReceipt(APP, plan.ControlAuthority{
				Source: plan.ControlSource{Kind: plan.ControlAlternateController, Controller: "x", Reason: "r"}, Evidence: plan.EvidenceProven})},
			fixAsOf, ErrInvalidPrincipal, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.plan(t)
			before := clonePlan(t, p)
			err := ApplyControl(p, c.receipts, fixPreflightID, c.asOf)
			wantErr(t, err, c.sentinel, c.want)
			if !reflect.DeepEqual(p, before) {
				t.Fatal("plan changed on error")
			}
		})
	}
}

func TestAuthorityReceiptHeader(t *testing.T) {
	edit := func(f func(r *SnapshotReadAuthorityReceipt)) []SnapshotReadAuthorityReceipt {
		r := readReceipt(APP, rootRead)
		f(&r)
		return []SnapshotReadAuthorityReceipt{r}
	}
	cases := []struct {
		name     string
		receipts []SnapshotReadAuthorityReceipt
		sentinel error
		want     *Error
	}{
		{"empty plan id", edit(func(r *SnapshotReadAuthorityReceipt) { r.PlanID = " " }), ErrEmptyField, nil},
		{"empty preflight id", edit(func(r *SnapshotReadAuthorityReceipt) { r.PreflightID = "" }), ErrEmptyField, nil},
		{"empty message", edit(func(r *SnapshotReadAuthorityReceipt) { r.Message = sp("") }), ErrEmptyField, nil},
		{"bad validated_at", edit(func(r *SnapshotReadAuthorityReceipt) { r.ValidatedAt = "100" }), ErrInvalidTimestamp,
			&Error{Value: "100"}},
		{"not yet valid", edit(func(r *SnapshotReadAuthorityReceipt) { r.ValidatedAt = "unix:+160" }), ErrPreflightReceiptNotYetValid,
			&Error{PreflightID: fixPreflightID, ValidatedAt: "unix:+160", AsOf: fixAsOf}},
		{"empty window", edit(func(r *SnapshotReadAuthorityReceipt) { r.ExpiresAt = fixValidated }), ErrPreflightReceiptInvalidWindow,
			&Error{PreflightID: fixPreflightID, ValidatedAt: fixValidated, ExpiresAt: fixValidated}},
		{"other plan", edit(func(r *SnapshotReadAuthorityReceipt) { r.PlanID = "plan-other" }), ErrAuthorityReceiptPlanMismatch,
			&Error{Expected: "plan-001", Actual: "plan-other"}},
		{"other preflight", edit(func(r *SnapshotReadAuthorityReceipt) { r.PreflightID = "preflight-other" }),
			ErrAuthorityReceiptPreflightMismatch, &Error{Expected: fixPreflightID, Actual: "preflight-other"}},
		{"unproven", edit(func(r *SnapshotReadAuthorityReceipt) { r.Authority = declaredRead }),
			ErrUnprovenTargetSnapshotReadAuthority, &Error{CanisterID: APP}},
		{"missing", nil, ErrMissingSnapshotReadAuthorityReceipt, &Error{CanisterID: APP}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := declaredPlan()
			err := ApplySnapshotRead(p, c.receipts, fixPreflightID, fixAsOf)
			wantErr(t, err, c.sentinel, c.want)
			if p.Targets[0].SnapshotReadAuthority != declaredRead {
				t.Fatal("plan changed on error")
			}
		})
	}
}

// P25
func TestMatchingTopologyAndQuiescenceReceipts(t *testing.T) {
	p := fixturePlan()
	b := fullBundle(p)
	if err := CheckTopology(p, b.Topology, fixPreflightID, fixAsOf); err != nil {
		t.Fatal(err)
	}
	if err := CheckQuiescence(p, b.Quiescence, fixPreflightID, fixAsOf); err != nil {
		t.Fatal(err)
	}
}

// P26
func TestApplyFullBundleToDeclaredPlan(t *testing.T) {
	p := declaredPlan()
	if err := p.ValidateForExecution(); !errors.Is(err, plan.ErrUnprovenControlAuthority) {
		t.Fatalf("declared plan must not be executable: %v", err)
	}
	if err := Apply(p, fullBundle(p), fixAsOf); err != nil {
		t.Fatal(err)
	}
	if p.Targets[0].ControlAuthority != rootControl || p.Targets[0].SnapshotReadAuthority != rootRead {
		t.Fatalf("authorities not upgraded: %+v", p.Targets[0])
	}
	if err := p.ValidateForExecution(); err != nil {
		t.Fatal(err)
	}
	if p.SnapshotReadAuthority != rootRead {
		t.Fatal("plan-level authority must be untouched")
	}
}

func clonePlan(t *testing.T, p *plan.Plan) *plan.Plan {
	t.Helper()
	c := *p
	c.Targets = append([]plan.Target(nil), p.Targets...)
	return &c
}

func TestApplyBundleRules(t *testing.T) {
	other := strings.Repeat("f", 64)
	cases := []struct {
		name     string
		edit     func(b *Bundle)
		asOf     string
		sentinel error
		want     *Error
	}{
		{"P27 expired bundle", func(*Bundle) {}, "unix:250", ErrPreflightReceiptExpired,
			&Error{PreflightID: fixPreflightID, ExpiresAt: fixExpires, AsOf: "unix:250"}},
		{"P28 topology preflight id", func(b *Bundle) { b.Topology.PreflightID = "preflight-other" }, fixAsOf,
			ErrPreflightReceiptIDMismatch, &Error{Expected: fixPreflightID, Actual: "preflight-other"}},
		{"P30 live hash drift", func(b *Bundle) { b.Topology.TopologyHashAtPreflight = other }, fixAsOf,
			ErrTopologyPreflightHashMismatch, &Error{Expected: HASH, Actual: other}},
		{"P31 quiescence rejected", func(b *Bundle) { b.Quiescence.Accepted = false }, fixAsOf, ErrQuiescencePreflightRejected, nil},
		{"P32 quiescence targets emptied", func(b *Bundle) { b.Quiescence.Targets = nil }, fixAsOf,
			ErrQuiescencePreflightTargetsMismatch, nil},
		{"bundle plan id empty", func(b *Bundle) { b.PlanID = "" }, fixAsOf, ErrEmptyField, nil},
		{"bundle preflight id empty", func(b *Bundle) { b.PreflightID = "\n" }, fixAsOf, ErrEmptyField, nil},
		{"as_of not a marker", func(*Bundle) {}, "150", ErrInvalidTimestamp, &Error{Value: "150"}},
		{"bundle for another plan", func(b *Bundle) { b.PlanID = "plan-other" }, fixAsOf,
			ErrPreflightReceiptPlanMismatch, &Error{Expected: "plan-001", Actual: "plan-other"}},
		{"control receipt other preflight", func(b *Bundle) { b.ControlAuthority[0].PreflightID = "preflight-x" }, fixAsOf,
			ErrAuthorityReceiptPreflightMismatch, nil},
		{"topology hash not hex", func(b *Bundle) { b.Topology.TopologyHashBeforeQuiesce = "abc" }, fixAsOf,
			ErrInvalidTopologyHash, &Error{Value: "abc"}},
		{"planned hash differs", func(b *Bundle) { b.Topology.TopologyHashBeforeQuiesce = other }, fixAsOf,
			ErrTopologyPreflightHashMismatch, &Error{Expected: HASH, Actual: other}},
		{"topology for another plan", func(b *Bundle) { b.Topology.PlanID = "plan-x" }, fixAsOf, ErrPreflightReceiptPlanMismatch, nil},
		{"topology target depth", func(b *Bundle) { b.Topology.Targets[0].Depth = 2 }, fixAsOf, ErrTopologyPreflightTargetsMismatch, nil},
		{"topology expired", func(b *Bundle) { b.Topology.ExpiresAt = "unix:120" }, fixAsOf, ErrPreflightReceiptExpired, nil},
		{"quiescence policy", func(b *Bundle) { b.Quiescence.QuiescencePolicy = plan.QuiescenceAppQuiesced }, fixAsOf,
			ErrQuiescencePolicyMismatch, &Error{Expected: "root-coordinated", Actual: "app-quiesced"}},
		{"quiescence target role", func(b *Bundle) { b.Quiescence.Targets[0].Role = nil }, fixAsOf,
			ErrQuiescencePreflightTargetsMismatch, nil},
		{"quiescence preflight id", func(b *Bundle) { b.Quiescence.PreflightID = "preflight-y" }, fixAsOf, ErrPreflightReceiptIDMismatch, nil},
		{"quiescence message", func(b *Bundle) { b.Quiescence.Message = sp(" ") }, fixAsOf, ErrEmptyField, nil},
		{"declared control receipt", func(b *Bundle) { b.ControlAuthority[0].Authority = declaredCtl }, fixAsOf,
			ErrUnprovenControlAuthority, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := declaredPlan()
			b := fullBundle(p)
			c.edit(&b)
			before := clonePlan(t, p)
			wantErr(t, Apply(p, b, c.asOf), c.sentinel, c.want)
			if !reflect.DeepEqual(p, before) {
				t.Fatal("plan changed on error")
			}
		})
	}
}
