package embedded_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
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
)

// Issue 14: an artifact record edited in KV (by a stranger who can write the bucket) to make a
// download, a verify or a promotion act elsewhere fails the run, and no file outside
// <backup-root>/<run_id>/ is created, changed or removed: the whole directory above the backup
// root is walked before the run and after it.
func TestHostileArtifactRecordsTouchNothingOutside(t *testing.T) {
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{1}, Roles: []string{"app"}})
	target, root := entries[1].Pid, entries[0].Pid
	lookAlike := strings.Replace(plan.Seg(target), "a", "\u0430", 1)
	tests := []struct {
		name  string
		after plan.OperationKind
		edit  func(e *artifact.Entry, victim string)
	}{
		{"absolute artifact_path", plan.KindVerifyArtifact, func(e *artifact.Entry, victim string) { e.ArtifactPath = victim }},
		{"look-alike artifact_path", plan.KindVerifyArtifact, func(e *artifact.Entry, _ string) { e.ArtifactPath = lookAlike }},
		{"artifact_path is the run directory", plan.KindVerifyArtifact, func(e *artifact.Entry, _ string) { e.ArtifactPath = "." }},
		{"artifact_path is the backup root", plan.KindVerifyArtifact, func(e *artifact.Entry, _ string) { e.ArtifactPath = ".." }},
		{"record of another canister", plan.KindVerifyArtifact, func(e *artifact.Entry, _ string) { e.CanisterID = root }},
		{"relative temp_path", plan.KindDownloadSnapshot, func(e *artifact.Entry, _ string) { e.TempPath = strp("../victim") }},
		{"temp_path of another name in the run", plan.KindDownloadSnapshot, func(e *artifact.Entry, victim string) {
			e.TempPath = strp(filepath.Join(filepath.Dir(victim), "backups", "hostile", "other.tmp"))
		}},
		{"temp_path with a zero-width joiner", plan.KindDownloadSnapshot, func(e *artifact.Entry, victim string) {
			e.TempPath = strp(filepath.Join(filepath.Dir(victim), "backups", "hostile", plan.Seg(target)+".tmp\u200d"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := embeddedtest.NewFleet(t, entries, 1024)
			var stack atomic.Pointer[embeddedtest.Stack]
			var edited atomic.Bool
			st := embeddedtest.Start(t, f, embedded.Config{OnExecuted: artifactEditor(t, &stack, &edited, tt.after, tt.edit)})
			stack.Store(st)
			outside := filepath.Dir(st.BackupRoot)
			writeVictim(t, outside)
			if err := os.MkdirAll(st.BackupRoot, 0o755); err != nil {
				t.Fatal(err)
			}
			before := snapshotTree(t, outside)

			reg, _ := fleetgen.JSON(entries)
			rec := st.RunToEnd(t, "hostile", embeddedtest.Request(t, map[string]any{"run_id": "hostile", "fleet": "demo",
				"network": "local", "root_canister_id": f.Root, "scope": "subtree", "selector": "app", "order": "strict",
				"registry": json.RawMessage(reg)}))
			if !edited.Load() {
				t.Fatal("the artifact record was never edited")
			}
			if rec.State != runs.Failed || !strings.Contains(deref(rec.Error), layout.ErrUntrustedArtifact.Error()) {
				t.Fatalf("run = %s %q, want failed by the untrusted record", rec.State, deref(rec.Error))
			}
			checkOnlyUnder(t, before, snapshotTree(t, outside), filepath.Join("backups", "hostile"))
			if _, err := os.Stat(filepath.Join(st.BackupRoot, "hostile", layout.ManifestFile)); err == nil {
				t.Fatal("a manifest was written for the failed run")
			}
		})
	}
}

func strp(s string) *string { return &s }

// snapshotTree maps every path under root (relative, '/'-separated) to a fingerprint of what it
// is: a directory, a symlink and its target, or a file's size and content.
func snapshotTree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case d.IsDir():
			out[filepath.ToSlash(rel)] = "dir"
		case d.Type()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[filepath.ToSlash(rel)] = "link " + target
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[filepath.ToSlash(rel)] = "file " + string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkOnlyUnder fails unless every path created, changed or removed between before and after
// is the directory allowed (relative, '/'-separated) or below it; "" allows no change.
func checkOnlyUnder(t *testing.T, before, after map[string]string, allowed string) {
	t.Helper()
	allowed = filepath.ToSlash(allowed)
	under := func(p string) bool { return p == allowed || strings.HasPrefix(p, allowed+"/") }
	for p, v := range after {
		if before[p] != v && !under(p) {
			t.Errorf("%s was created or changed outside %s/", p, allowed)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok && !under(p) {
			t.Errorf("%s was removed outside %s/", p, allowed)
		}
	}
}
