package embedded_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Issue 9 finding 5: an artifact record edited in KV to name a directory outside the backup
// root fails the run, and nothing outside <backup-root>/<run_id>/ is deleted, renamed or
// written. The record is edited from the OnExecuted signal of the operation named in the row,
// which fires after that operation is recorded and before its successors are dispatched.
func TestUntrustedArtifactRecordFailsRun(t *testing.T) {
	tests := []struct {
		name  string
		after plan.OperationKind
		edit  func(e *artifact.Entry, victim string)
	}{
		{"artifact_path edited before finalize", plan.KindVerifyArtifact,
			func(e *artifact.Entry, _ string) { e.ArtifactPath = "../../victim" }},
		{"temp_path edited before verify", plan.KindDownloadSnapshot,
			func(e *artifact.Entry, victim string) { e.TempPath = &victim }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{1}, Roles: []string{"app"}})
			f := embeddedtest.NewFleet(t, entries, 1024)
			var stack atomic.Pointer[embeddedtest.Stack]
			var edited atomic.Bool
			onExecuted := artifactEditor(t, &stack, &edited, tt.after, tt.edit)
			st := embeddedtest.Start(t, f, embedded.Config{OnExecuted: onExecuted})
			stack.Store(st)
			outside := filepath.Dir(st.BackupRoot)
			victim := writeVictim(t, outside)

			reg, _ := fleetgen.JSON(entries)
			body := embeddedtest.Request(t, map[string]any{"run_id": "untrusted", "fleet": "demo", "network": "local",
				"root_canister_id": f.Root, "scope": "subtree", "selector": "app", "order": "strict", "registry": json.RawMessage(reg)})
			rec := st.RunToEnd(t, "untrusted", body)
			if !edited.Load() {
				t.Fatal("the artifact record was never edited")
			}
			if rec.State != runs.Failed || !strings.Contains(deref(rec.Error), layout.ErrUntrustedArtifact.Error()) {
				t.Fatalf("run = %s %q, want failed by the untrusted record", rec.State, deref(rec.Error))
			}
			checkVictim(t, victim)
			checkNothingPromoted(t, st.BackupRoot, plan.Seg(entries[1].Pid)+".tmp")
		})
	}
}

// artifactEditor returns an OnExecuted signal that, once the operation of kind after has been
// recorded, applies edit to the artifact record of that operation's target and sets edited.
func artifactEditor(t *testing.T, stack *atomic.Pointer[embeddedtest.Stack], edited *atomic.Bool,
	after plan.OperationKind, edit func(e *artifact.Entry, victim string)) func(string, int, string) {
	return func(runID string, seq int, _ string) {
		st := stack.Load()
		ctx := context.Background()
		op, err := st.Store.Ops.Get(ctx, runstore.OpKey(runID, seq))
		if err != nil || op.Value.Op.Kind != after {
			return
		}
		key := runstore.ArtifactKey(runID, *op.Value.Op.TargetCanisterID)
		victim := filepath.Join(filepath.Dir(st.BackupRoot), "victim")
		if _, err := st.Store.Artifacts.Update(ctx, key, func(e *artifact.Entry) error {
			edit(e, victim)
			return nil
		}); err != nil {
			t.Errorf("editing %s: %v", key, err)
		}
		edited.Store(true)
	}
}

// checkNothingPromoted fails unless the backup root's parent holds only the backup root and the
// victim, the backup root holds only the "untrusted" run, and that run holds only staging.
func checkNothingPromoted(t *testing.T, backupRoot, staging string) {
	t.Helper()
	outside := filepath.Dir(backupRoot)
	if got := dirNames(t, outside); !slices.Equal(got, []string{"backups", "victim"}) {
		t.Fatalf("%s holds %v, want only backups and victim", outside, got)
	}
	if got := dirNames(t, backupRoot); !slices.Equal(got, []string{"untrusted"}) {
		t.Fatalf("backup root holds %v, want only the run's directory", got)
	}
	// Nothing was promoted: only the staging directory is there, no manifest.
	if got := dirNames(t, filepath.Join(backupRoot, "untrusted")); !slices.Equal(got, []string{staging}) {
		t.Fatalf("run dir holds %v, want only %s", got, staging)
	}
}

// writeVictim makes dir/victim holding a marker file, and returns its path.
func writeVictim(t *testing.T, dir string) string {
	t.Helper()
	victim := filepath.Join(dir, "victim")
	if err := os.MkdirAll(victim, 0o755); err != nil {
		t.Fatal(err)
	}
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
	if got := dirNames(t, victim); !slices.Equal(got, []string{"marker"}) {
		t.Fatalf("victim holds %v", got)
	}
}

// dirNames lists dir's entries, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range des {
		out = append(out, d.Name())
	}
	return out
}
