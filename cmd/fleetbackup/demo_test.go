package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Small artifacts and no latency keep the demo under the tests fast.
var fastSim = []string{"--sim-artifact-bytes", "65536", "--sim-latency", "stop=1ms"}

var (
	demoOnce   sync.Once
	demoDir    string // the backup directory the shared demo run wrote
	demoResult result
)

// demoBackup runs `fleetbackup demo` once for the package and returns its backup directory.
func demoBackup(t *testing.T) string {
	t.Helper()
	demoOnce.Do(func() {
		out := filepath.Join(scratch, "demo")
		demoResult = fb(t, "", append([]string{"demo", "--out", out}, fastSim...)...)
		entries, _ := os.ReadDir(out)
		if len(entries) == 1 {
			demoDir = filepath.Join(out, entries[0].Name())
		}
	})
	if demoResult.code != 0 || demoDir == "" {
		t.Fatalf("demo failed:\n%s", demoResult)
	}
	return demoDir
}

func TestDemoEndsVerified(t *testing.T) {
	dir := demoBackup(t)
	out := demoResult.stdout
	wantIn(t, "demo output", out,
		"Simulated fleet: 12 canisters", "user_hub", "completed", "25/25 operations done",
		"backup directory: "+dir, "verified", "every SHA-256 recomputed and matching",
		"all 4 backed-up canisters are running again", "fleetbackup verify "+dir)
	for _, name := range []string{"backup-plan.json", "backup-execution-journal.json", "download-journal.json", "fleet-backup-manifest.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("backup directory lacks %s: %v", name, err)
		}
	}
	// Piped, the progress is plain lines: one per operation, no terminal escapes.
	if strings.Contains(out, "\x1b[") {
		t.Errorf("piped demo output holds terminal escapes:\n%s", out)
	}
	wantIn(t, "demo progress", out, "stop      user_hub", "download  user_shard_1", "verify    user_shard_3", "finalize")
	r := fb(t, "", "verify", dir)
	wantCode(t, r, 0)
	wantIn(t, "verify output", r.stdout, "verified", "4 artifacts")
}

func TestDemoWithDefaultsFromAFreshDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo with its default sizes and latencies")
	}
	work := t.TempDir()
	r := fb(t, work, "demo")
	wantCode(t, r, 0)
	entries, err := os.ReadDir(filepath.Join(work, "backups"))
	if err != nil || len(entries) != 1 {
		t.Fatalf("demo kept no backup under ./backups (%v):\n%s", err, r)
	}
	wantIn(t, "demo output", r.stdout, "8.0 MiB downloaded", filepath.Join(work, "backups", entries[0].Name()))
}

func TestDemoRefusesABadSelection(t *testing.T) {
	r := fb(t, "", append([]string{"demo", "--out", t.TempDir(), "--selector", "no_such_role"}, fastSim...)...)
	wantCode(t, r, 2)
	wantIn(t, "stderr", r.stderr, "no_such_role")
}

// `demo --restore` backs up, changes the backed-up canisters, restores them through the same
// installation and shows, per canister, that the restored content is the backed-up one.
func TestDemoRestoreBringsTheContentBack(t *testing.T) {
	out := t.TempDir()
	r := fb(t, "", append([]string{"demo", "--restore", "--out", out}, fastSim...)...)
	wantCode(t, r, 0)
	wantIn(t, "demo --restore output", r.stdout, "25/25 operations done", "all 4 backed-up canisters are running again",
		"✓ content changed on all 4 canisters", "upload    user_hub", "load      user_shard_1", "check     user_shard_3",
		"(restore of backup demo-", "restore-apply-journal.json", "BACKED UP     CHANGED       RESTORED",
		"✓ all 4 restored canisters match their backed-up content, and all 4 are running")
	rows := 0
	for line := range strings.SplitSeq(r.stdout, "\n") {
		f := strings.Fields(line)
		if len(f) != 7 || f[5] != "✓" || f[6] != "matches" {
			continue
		}
		rows++
		if backedUp, changed, restored := f[2], f[3], f[4]; backedUp != restored || backedUp == changed {
			t.Errorf("row %q: backed up %s, changed %s, restored %s", line, backedUp, changed, restored)
		}
	}
	if rows != 4 {
		t.Fatalf("want 4 content rows, got %d:\n%s", rows, r.stdout)
	}
	// Without --restore the demo restores nothing.
	if strings.Contains(demoBackupOutput(t), "Restoring backup") {
		t.Fatalf("plain demo restored:\n%s", demoResult.stdout)
	}
}

// demoBackupOutput is the shared plain demo's standard output.
func demoBackupOutput(t *testing.T) string {
	t.Helper()
	demoBackup(t)
	return demoResult.stdout
}
