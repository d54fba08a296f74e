package retain

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/snapkeep"
)

// fixture is a 2-target fleet on a simulator, a run store and a backup root.
type fixture struct {
	t       *testing.T
	entries []registry.Entry
	sim     *sim.Sim
	store   *runstore.Store
	root    string
}

func newFixture(t *testing.T) *fixture {
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{2}, Roles: []string{"app", "store"}})
	data, err := fleetgen.JSON(entries)
	must(t, err)
	file := filepath.Join(t.TempDir(), "fleet.json")
	must(t, os.WriteFile(file, data, 0o644))
	s, err := sim.New(sim.Config{StateDir: t.TempDir(), FleetFile: file, ArtifactBytes: 64})
	must(t, err)
	js, names := bustest.Installation(t)
	store, err := runstore.OpenStore(context.Background(), js, names)
	must(t, err)
	return &fixture{t: t, entries: entries, sim: s, store: store, root: t.TempDir()}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// snapshot takes one snapshot of every target, as a run would (stop, snapshot, start).
func (f *fixture) snapshot() map[string]string {
	ctx := context.Background()
	out := map[string]string{}
	for _, e := range f.entries[1:] {
		must(f.t, f.sim.Stop(ctx, e.Pid))
		snap, err := f.sim.CreateSnapshot(ctx, e.Pid)
		must(f.t, err)
		must(f.t, f.sim.Start(ctx, e.Pid))
		out[e.Pid] = snap.ID
	}
	return out
}

// backup writes the manifest of backup id (whose snapshots are snaps) in directory dir, and, when
// state is not empty, its run record in that state and its artifact records.
func (f *fixture) backup(dir, id string, snaps map[string]string, state runs.State) []artifact.Entry {
	hash, err := registry.TopologyHash(f.entries)
	must(f.t, err)
	p, err := plan.Build(plan.BuildInput{PlanID: "plan-" + id, RunID: id, Fleet: "test", Network: "local",
		RootCanisterID: f.entries[0].Pid, Scope: plan.ScopeNonRootFleet, TopologyHash: hash, Registry: f.entries,
		Control:      plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlOperatorController}, Evidence: plan.EvidenceProven},
		SnapshotRead: plan.SnapshotReadAuthority{Source: plan.ReadOperatorController, Evidence: plan.EvidenceProven},
		Quiescence:   plan.QuiescenceCrashConsistent, IdentityMode: plan.IdentityRelocatable})
	must(f.t, err)
	dl := artifact.New(id, hash)
	for _, target := range p.Targets {
		sum := checksum.Bytes([]byte(target.CanisterID))
		e := artifact.NewEntry(target.CanisterID, snaps[target.CanisterID], plan.Seg(target.CanisterID), "unix:1")
		e.State, e.Checksum = artifact.StateDurable, &sum
		dl.Artifacts = append(dl.Artifacts, e)
		if state != "" {
			must(f.t, f.store.PutArtifact(context.Background(), id, e))
		}
	}
	m, err := manifest.Build(p, dl, "unix:1", manifest.ToolMetadata{Name: "fleetbackup", Version: "test"})
	must(f.t, err)
	must(f.t, layout.WriteManifest(filepath.Join(f.root, dir), m))
	if state != "" {
		_, err := f.store.Runs.Create(context.Background(), id, runs.Record{RunID: id, Kind: runs.KindBackup, State: state})
		must(f.t, err)
	}
	return dl.Artifacts
}

func (f *fixture) held(canister string) []string {
	st, err := sim.Inspect(f.sim.StateDir(), canister)
	must(f.t, err)
	var ids []string
	for _, s := range st.Snapshots {
		ids = append(ids, s.ID)
	}
	return ids
}

// A completed run deletes the snapshot an earlier completed backup took, never a foreign one
// (not even one a forged manifest claims); a deletion that fails is recorded and warned about
// without failing the run, and a repeated pass (a finalizer that crashed) keeps the record of
// the first and deletes what is still due.
func TestApplyRecordsFailuresAndRepeats(t *testing.T) {
	f := newFixture(t)
	c1, c2 := f.entries[1].Pid, f.entries[2].Pid
	foreign := f.snapshot()
	first := f.snapshot()
	f.backup("nightly-1", "nightly-1", first, runs.Completed)
	f.backup("forged", "forged", foreign, "")
	// nightly-0 completed with snapshots long gone; its manifest was then edited to name the
	// foreign ones, which its records in the run store do not back.
	f.backup("nightly-0", "nightly-0", map[string]string{c1: "00", c2: "01"}, runs.Completed)
	f.backup("nightly-0", "nightly-0", foreign, "")
	current := f.backup("nightly-2", "nightly-2", f.snapshot(), runs.Running)
	must(t, sim.InjectFault(f.sim.StateDir(), sim.Fault{Call: sim.KindDelete, Canister: c2, Mode: sim.ModePermanent, Times: 1}))

	env := &runenv.Env{Store: f.store, Exec: f.sim, BackupRoot: f.root, Retry: executor.RetryPolicy{Attempts: 1}}
	j := &opworker.Job{Env: env, Run: runs.Record{RunID: "nightly-2", Kind: runs.KindBackup, State: runs.Running}}
	dir := filepath.Join(f.root, "nightly-2")
	must(t, Apply(context.Background(), j, dir, current))
	report, err := snapkeep.ReadReport(dir)
	must(t, err)
	if got := outcomes(report); !reflect.DeepEqual(got, []string{c1 + "/deleted", c2 + "/failed"}) || len(report.Problems) != 0 {
		t.Fatalf("first pass: %v, problems %v", got, report.Problems)
	}
	if slices.Contains(f.held(c1), first[c1]) || !slices.Contains(f.held(c2), first[c2]) {
		t.Fatalf("after the first pass %s holds %v and %s holds %v", c1, f.held(c1), c2, f.held(c2))
	}

	must(t, Apply(context.Background(), j, dir, current))
	report, err = snapkeep.ReadReport(dir)
	must(t, err)
	if got := outcomes(report); !reflect.DeepEqual(got, []string{c1 + "/deleted", c2 + "/deleted"}) {
		t.Fatalf("second pass: %v", got)
	}
	for _, e := range current {
		if want := []string{foreign[e.CanisterID], e.SnapshotID}; !slices.Equal(f.held(e.CanisterID), want) {
			t.Errorf("%s holds %v, want its foreign snapshot and this run's %v", e.CanisterID, f.held(e.CanisterID), want)
		}
	}
}

func outcomes(r *snapkeep.Report) []string {
	var out []string
	for _, d := range r.Deletions {
		if d.TakenBy != "nightly-1" || (d.State == snapkeep.StateFailed) != (d.Error != nil) {
			return []string{"unexpected deletion " + d.SnapshotID + " taken by " + d.TakenBy}
		}
		out = append(out, d.CanisterID+"/"+d.State)
	}
	slices.Sort(out)
	return out
}
