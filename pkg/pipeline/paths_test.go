package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

const (
	pathsRun    = "run-paths"
	pathsTarget = "renrk-eyaaa-aaaaa-aaada-cai"
	pathsOther  = "rno2w-sqaaa-aaaaa-aaacq-cai"
)

// A record's paths are only accepted when they are exactly the ones derived from the plan.
func TestArtifactDirs(t *testing.T) {
	root := t.TempDir()
	seg := plan.Seg(pathsTarget)
	staging := filepath.Join(root, pathsRun, seg+".tmp")
	durable := filepath.Join(root, pathsRun, seg)
	victim := filepath.Join(root, "victim")
	elsewhere := filepath.Join(root, pathsRun, plan.Seg(pathsOther)+".tmp")
	entry := func(artifactPath string, temp *string) artifact.Entry {
		return artifact.Entry{CanisterID: pathsTarget, ArtifactPath: artifactPath, TempPath: temp}
	}
	good := entry(seg, nil)
	other := good
	other.CanisterID = pathsOther
	tests := []struct {
		name  string
		runID string
		e     artifact.Entry
		ok    bool
	}{
		{"derived names", pathsRun, good, true},
		{"temp path is the staging dir", pathsRun, entry(seg, &staging), true},
		{"artifact path leaves the backup", pathsRun, entry("../../victim", nil), false},
		{"absolute artifact path", pathsRun, entry(victim, nil), false},
		{"another directory of the run", pathsRun, entry(plan.Seg(pathsOther), nil), false},
		{"nested artifact path", pathsRun, entry(seg+"/x", nil), false},
		{"temp path outside the backup", pathsRun, entry(seg, &victim), false},
		{"temp path of another target", pathsRun, entry(seg, &elsewhere), false},
		{"record of another canister", pathsRun, other, false},
		{"run id is not a directory name", "../x", good, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotStaging, gotDurable, err := artifactDirs(root, tt.runID, tt.e, pathsTarget)
			if !tt.ok {
				if !errors.Is(err, ErrUntrustedArtifact) || !errors.Is(err, executor.ErrPermanent) {
					t.Fatalf("err = %v, want a permanent ErrUntrustedArtifact", err)
				}
				return
			}
			if err != nil || gotStaging != staging || gotDurable != durable {
				t.Fatalf("= %q, %q, %v; want %q, %q", gotStaging, gotDurable, err, staging, durable)
			}
		})
	}
}

// cleanStaging removes exactly the plan's staging directories, and the run directory once
// nothing else is left in it.
func TestCleanStaging(t *testing.T) {
	p := &plan.Plan{RunID: pathsRun, Targets: []plan.Target{{CanisterID: pathsTarget}, {CanisterID: pathsOther}}}
	seg := plan.Seg(pathsTarget)
	t.Run("keeps everything else", func(t *testing.T) {
		root := t.TempDir()
		runDir := filepath.Join(root, pathsRun)
		mkdirs(t, runDir, seg+".tmp/sub", seg, "stranger.tmp") // the other target has no staging dir
		if err := (&Env{BackupRoot: root}).cleanStaging(pathsRun, p); err != nil {
			t.Fatal(err)
		}
		if got := names(t, runDir); !slices.Equal(got, []string{seg, "stranger.tmp"}) {
			t.Fatalf("run dir holds %v", got)
		}
	})
	t.Run("removes an emptied run dir", func(t *testing.T) {
		root := t.TempDir()
		mkdirs(t, filepath.Join(root, pathsRun), seg+".tmp", plan.Seg(pathsOther)+".tmp")
		if err := (&Env{BackupRoot: root}).cleanStaging(pathsRun, p); err != nil {
			t.Fatal(err)
		}
		if got := names(t, root); len(got) != 0 {
			t.Fatalf("backup root holds %v", got)
		}
	})
	t.Run("no run dir", func(t *testing.T) {
		if err := (&Env{BackupRoot: t.TempDir()}).cleanStaging(pathsRun, p); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("refuses a run id that is not a directory name", func(t *testing.T) {
		err := (&Env{BackupRoot: t.TempDir()}).cleanStaging("..", p)
		if !errors.Is(err, ErrUntrustedArtifact) {
			t.Fatalf("err = %v", err)
		}
	})
}

// A finalize whose KV records name a directory outside the backup (issue 9) fails
// permanently before it moves anything: neither the victim nor a good target is touched.
func TestPromoteAllRefusesUntrustedRecord(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "backups")
	victim := writeVictim(t, base)
	w, j := pathsJob(t, root, plan.KindFinalizeManifest)
	ctx := context.Background()
	for _, c := range []string{pathsOther, pathsTarget} { // the good one first
		staging := filepath.Join(root, pathsRun, plan.Seg(c)+".tmp")
		mkdirs(t, staging, "")
		sum, err := checksum.Path(staging)
		if err != nil {
			t.Fatal(err)
		}
		e := artifact.NewEntry(c, "snap", plan.Seg(c), "m")
		e.State, e.TempPath, e.Checksum = artifact.StateChecksumVerified, &staging, &sum
		if c == pathsTarget {
			e.ArtifactPath = "../../victim"
		}
		if _, err := w.Env.Store.Artifacts.Create(ctx, ArtifactKey(pathsRun, c), e); err != nil {
			t.Fatal(err)
		}
	}
	_, err := w.promoteAll(ctx, j, filepath.Join(root, pathsRun))
	if !errors.Is(err, ErrUntrustedArtifact) || !errors.Is(err, executor.ErrPermanent) {
		t.Fatalf("err = %v, want a permanent ErrUntrustedArtifact", err)
	}
	checkVictim(t, victim)
	want := []string{plan.Seg(pathsTarget) + ".tmp", plan.Seg(pathsOther) + ".tmp"}
	slices.Sort(want)
	if got := names(t, filepath.Join(root, pathsRun)); !slices.Equal(got, want) {
		t.Fatalf("run dir holds %v, want only the untouched staging dirs %v", got, want)
	}
}

// The verifier hashes the derived staging directory only: a temp_path naming another place
// is refused and nothing is recorded.
func TestVerifyRefusesForeignTempPath(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "backups")
	victim := writeVictim(t, base)
	w, j := pathsJob(t, root, plan.KindVerifyArtifact)
	ctx := context.Background()
	e := artifact.NewEntry(pathsTarget, "snap", plan.Seg(pathsTarget), "m")
	e.State, e.TempPath = artifact.StateDownloaded, &victim
	rev, err := w.Env.Store.Artifacts.Create(ctx, ArtifactKey(pathsRun, pathsTarget), e)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.verify(ctx, j); !errors.Is(err, ErrUntrustedArtifact) {
		t.Fatalf("err = %v, want ErrUntrustedArtifact", err)
	}
	cur, err := w.Env.Store.Artifacts.Get(ctx, ArtifactKey(pathsRun, pathsTarget))
	if err != nil || cur.Revision != rev {
		t.Fatalf("record rewritten (revision %d, want %d): %v", cur.Revision, rev, err)
	}
	checkVictim(t, victim)
}

// A download that returns after its run ended removes its staging directory and fails
// permanently instead of recording a download nothing will verify.
func TestDownloadDropsStagingOfEndedRun(t *testing.T) {
	root := t.TempDir()
	w, j := pathsJob(t, root, plan.KindDownloadSnapshot)
	ctx := context.Background()
	run := RunRecord{RunID: pathsRun, State: RunRunning, LocksHeld: true}
	if !run.Accepts(plan.KindDownloadSnapshot) {
		t.Fatal("the run does not accept downloads before it ends")
	}
	if _, err := w.Env.Store.Runs.Create(ctx, pathsRun, run); err != nil {
		t.Fatal(err)
	}
	e := artifact.NewEntry(pathsTarget, "snap", plan.Seg(pathsTarget), "m")
	rev, err := w.Env.Store.Artifacts.Create(ctx, ArtifactKey(pathsRun, pathsTarget), e)
	if err != nil {
		t.Fatal(err)
	}
	w.Env.Exec = abortingDownload{abort: func() {
		if _, err := w.Env.Store.Runs.Update(ctx, pathsRun, func(r *RunRecord) error {
			r.State = RunAborted
			return nil
		}); err != nil {
			t.Error(err)
		}
	}}
	if _, err := w.download(ctx, j); !errors.Is(err, executor.ErrPermanent) {
		t.Fatalf("err = %v, want a permanent error", err)
	}
	if got := names(t, filepath.Join(root, pathsRun)); len(got) != 0 {
		t.Fatalf("run dir holds %v after the run ended", got)
	}
	if cur, err := w.Env.Store.Artifacts.Get(ctx, ArtifactKey(pathsRun, pathsTarget)); err != nil || cur.Revision != rev {
		t.Fatalf("record rewritten (revision %d, want %d): %v", cur.Revision, rev, err)
	}
}

// abortingDownload writes a file into the staging directory after ending the run.
type abortingDownload struct {
	executor.Executor
	abort func()
}

func (a abortingDownload) DownloadSnapshot(_ context.Context, _, _, dir string, _ bool) error {
	a.abort()
	return os.WriteFile(filepath.Join(dir, "blob"), []byte("snapshot"), 0o644)
}

// pathsJob is a worker on a fresh store with root as its backup root, and a job of the given
// kind on pathsTarget in a plan of pathsRun targeting pathsTarget and pathsOther.
func pathsJob(t *testing.T, root string, kind plan.OperationKind) (*OpWorker, *job) {
	t.Helper()
	target := pathsTarget
	op := plan.Operation{OperationID: "op-0", Order: 0, Kind: kind, TargetCanisterID: &target}
	p := &plan.Plan{RunID: pathsRun, Phases: []plan.Operation{op},
		Targets: []plan.Target{{CanisterID: pathsOther}, {CanisterID: pathsTarget}}}
	j := &job{run: RunRecord{RunID: pathsRun, State: RunRunning}, rp: &runPlan{plan: p},
		rec: OpRecord{RunID: pathsRun, Op: journal.NewOperation(op)}}
	return NewOpWorker(&Env{Store: testStore(t), BackupRoot: root}, "paths"), j
}

// writeVictim makes dir/victim holding a marker file, and returns its path.
func writeVictim(t *testing.T, dir string) string {
	t.Helper()
	victim := filepath.Join(dir, "victim")
	mkdirs(t, victim, "")
	if err := os.WriteFile(filepath.Join(victim, "marker"), []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	return victim
}

// checkVictim fails unless writeVictim's directory holds exactly its marker, unchanged.
func checkVictim(t *testing.T, victim string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(victim, "marker"))
	if err != nil || string(data) != "keep me" {
		t.Fatalf("victim marker = %q, %v", data, err)
	}
	if got := names(t, victim); !slices.Equal(got, []string{"marker"}) {
		t.Fatalf("victim holds %v", got)
	}
}

func mkdirs(t *testing.T, dir string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if err := os.MkdirAll(filepath.Join(dir, s), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// names lists dir's entries, sorted (nil when dir does not exist).
func names(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var out []string
	for _, d := range des {
		out = append(out, d.Name())
	}
	return out
}
