package plan

import (
	"errors"
	"slices"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

func targetIDs(p *Plan) []string {
	ids := make([]string, len(p.Targets))
	for i, t := range p.Targets {
		ids[i] = t.CanisterID
	}
	return ids
}

func opIDs(ops []Operation) []string {
	ids := make([]string, len(ops))
	for i, op := range ops {
		ids[i] = op.OperationID
	}
	return ids
}

// P10
func TestBuildSubtreeOfApp(t *testing.T) {
	p, err := Build(buildInput(ScopeSubtree, sp(APP)))
	if err != nil {
		t.Fatal(err)
	}
	if p.SelectedSubtreeRoot == nil || *p.SelectedSubtreeRoot != APP || p.RootIncluded {
		t.Fatalf("selected %v, root included %v", p.SelectedSubtreeRoot, p.RootIncluded)
	}
	if got := targetIDs(p); !slices.Equal(got, []string{APP, WORKER}) {
		t.Fatalf("targets %v", got)
	}
	for _, op := range p.Phases {
		if op.TargetCanisterID != nil && *op.TargetCanisterID == ROOT {
			t.Fatalf("operation %s targets ROOT", op.OperationID)
		}
	}
	want := []string{OpValidateTopology, OpValidateControl, OpValidateSnapshotRead, OpValidateQuiescence,
		"stop-" + APP, "stop-" + WORKER, "snapshot-" + APP, "snapshot-" + WORKER, "start-" + WORKER, "start-" + APP,
		"download-" + APP, "verify-" + APP, "download-" + WORKER, "verify-" + WORKER, OpFinalizeManifest}
	if got := opIDs(p.Phases); !slices.Equal(got, want) {
		t.Fatalf("phases\n got %v\nwant %v", got, want)
	}
	if p.Targets[0].Depth != 1 || p.Targets[1].Depth != 2 || !p.RequiresRootController {
		t.Fatalf("depths %d %d, requires root %v", p.Targets[0].Depth, p.Targets[1].Depth, p.RequiresRootController)
	}
}

// P11
func TestBuildNonRootFleet(t *testing.T) {
	p, err := Build(buildInput(ScopeNonRootFleet, sp(APP))) // the selected id is ignored
	if err != nil {
		t.Fatal(err)
	}
	if p.SelectedSubtreeRoot != nil || p.RootIncluded {
		t.Fatalf("selected %v, root included %v", p.SelectedSubtreeRoot, p.RootIncluded)
	}
	if got := targetIDs(p); !slices.Equal(got, []string{APP, WORKER}) {
		t.Fatalf("targets %v", got)
	}
}

// P12
func TestBuildSubtreeOfRootRejected(t *testing.T) {
	_, err := Build(buildInput(ScopeSubtree, sp(ROOT)))
	if !errors.Is(err, ErrRootIncludedWithoutMaintenance) {
		t.Fatalf("err = %v", err)
	}
}

func TestBuildScopes(t *testing.T) {
	// A fourth entry under WORKER shows where member traversal stops.
	deep := append(registry3(), registry.Entry{Pid: OTHER, Role: sp("leaf"), ParentPid: sp(WORKER)})
	cases := []struct {
		name    string
		scope   ScopeKind
		sel     *string
		desc    bool
		want    []string
		wantErr error
	}{
		{"member without descendants keeps direct children", ScopeMember, sp(APP), false, []string{APP, WORKER}, nil},
		{"member with descendants", ScopeMember, sp(APP), true, []string{APP, WORKER, OTHER}, nil},
		{"subtree ignores include_descendants", ScopeSubtree, sp(APP), false, []string{APP, WORKER, OTHER}, nil},
		{"maintenance root", ScopeMaintenanceRoot, sp(ROOT), false, []string{ROOT, APP, WORKER, OTHER}, nil},
		{"missing selected", ScopeSubtree, nil, true, nil, ErrEmptyField},
		{"blank selected", ScopeMember, sp(" "), true, nil, ErrEmptyField},
		{"not in registry", ScopeSubtree, sp("r7inp-6aaaa-aaaaa-aaabq-cai"), true, nil, registry.ErrCanisterNotInRegistry},
		{"unknown scope", "everything", sp(APP), true, nil, ErrUnknownEnum},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := buildInput(c.scope, c.sel)
			in.Registry, in.IncludeDescendants = deep, c.desc
			p, err := Build(in)
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("err = %v, want %v", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := targetIDs(p); !slices.Equal(got, c.want) {
				t.Fatalf("targets %v, want %v", got, c.want)
			}
			if p.IncludeDescendants != c.desc || p.RootIncluded != (c.scope == ScopeMaintenanceRoot) {
				t.Fatalf("include_descendants %v root_included %v", p.IncludeDescendants, p.RootIncluded)
			}
		})
	}
}

func TestBuildCopiesEntryFieldsAndAuthorities(t *testing.T) {
	in := buildInput(ScopeSubtree, sp(APP))
	in.Registry[1].ModuleHash = sp("01ab")
	in.Control = ControlAuthority{Source: ControlSource{Kind: ControlOperatorController}, Evidence: EvidenceProven}
	p, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	app := p.Targets[0]
	if *app.Role != "app" || *app.ParentCanisterID != ROOT || *app.ExpectedModuleHash != "01ab" ||
		app.ControlAuthority != in.Control || app.SnapshotReadAuthority != in.SnapshotRead ||
		app.IdentityMode != IdentityRelocatable || p.RequiresRootController {
		t.Fatalf("target %+v", app)
	}
	*app.Role = "changed"
	if *in.Registry[1].Role != "app" {
		t.Fatal("target role aliases the registry entry")
	}
	if p.SnapshotReadAuthority != in.SnapshotRead || p.QuiescencePolicy != in.Quiescence {
		t.Fatal("plan-level snapshot read authority or policy not copied")
	}
}

func TestPhasesTopDownOrder(t *testing.T) {
	// Plan order differs from top-down order: depth first, then canister id byte-wise.
	targets := []Target{
		{CanisterID: WORKER, Depth: 2}, {CanisterID: OTHER, Depth: 1}, {CanisterID: APP, Depth: 1},
	}
	got := opIDs(Phases(targets))
	want := []string{OpValidateTopology, OpValidateControl, OpValidateSnapshotRead, OpValidateQuiescence,
		"stop-" + OTHER, "stop-" + APP, "stop-" + WORKER,
		"snapshot-" + OTHER, "snapshot-" + APP, "snapshot-" + WORKER,
		"start-" + WORKER, "start-" + APP, "start-" + OTHER,
		"download-" + WORKER, "verify-" + WORKER, "download-" + OTHER, "verify-" + OTHER,
		"download-" + APP, "verify-" + APP, OpFinalizeManifest}
	if !slices.Equal(got, want) {
		t.Fatalf("\n got %v\nwant %v", got, want)
	}
	ops := Phases(targets)
	if len(ops) != 5*len(targets)+5 {
		t.Fatalf("%d operations", len(ops))
	}
	for i, op := range ops {
		if op.Order != uint32(i) {
			t.Fatalf("op %d has order %d", i, op.Order)
		}
	}
	if ops[4].Kind != KindStop || ops[7].Kind != KindCreateSnapshot || ops[10].Kind != KindStart ||
		ops[13].Kind != KindDownloadSnapshot || ops[14].Kind != KindVerifyArtifact || ops[19].Kind != KindFinalizeManifest {
		t.Fatal("kinds out of place")
	}
	if len(Phases([]Target{{CanisterID: APP}})) != 10 {
		t.Fatal("one target must give 10 operations")
	}
}

// P13, P14, P15: selector resolution against the §11 registry.
func TestSelectorResolution(t *testing.T) {
	reg := registry3()
	for _, sel := range []string{APP, "app"} {
		got, err := registry.ResolveSelector(reg, sel)
		if err != nil || got != APP {
			t.Fatalf("P13 %q -> %q, %v", sel, got, err)
		}
	}
	two := append(registry3(), registry.Entry{Pid: OTHER, Role: sp("worker"), ParentPid: sp(APP)})
	_, err := registry.ResolveSelector(two, "worker")
	var amb *registry.AmbiguousSelectorError
	if !errors.As(err, &amb) || amb.Selector != "worker" || !slices.Equal(amb.Matches, []string{WORKER, OTHER}) {
		t.Fatalf("P14 err = %v", err)
	}
	if _, err := registry.ResolveSelector(reg, "missing-role"); !errors.Is(err, registry.ErrUnknownSelector) {
		t.Fatalf("P15 err = %v", err)
	}
}
