package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRestoreBadInputExitsTwo(t *testing.T) {
	dir := demoBackup(t)
	malformed := filepath.Join(t.TempDir(), "mapping.json")
	if err := os.WriteFile(malformed, []byte(`{"members": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"restore", "plan", filepath.Join(t.TempDir(), "nope")}, "no such file or directory"},
		{[]string{"restore", "plan", "--backup-root", t.TempDir(), "nightly-1"}, "backup nightly-1"},
		{[]string{"restore", "plan", "no-such-run-1"}, "no run no-such-run-1 under ./backups"},
		{[]string{"restore", "plan", filepath.Join(dir, "fleet-backup-manifest.json")}, "not a directory"},
		{[]string{"restore", "plan", dir, "--mapping", filepath.Join(t.TempDir(), "none.json")}, "--mapping"},
		{[]string{"restore", "plan", dir, "--mapping", malformed}, "malformed restore document"},
		{[]string{"restore", "plan", dir, "--order", "sideways"}, "want parallel or strict"},
		{[]string{"restore", "plan"}, "missing argument <backup>"},
		{[]string{"restore", "plan", dir, dir}, "unexpected argument"},
		{[]string{"restore"}, "missing subcommand"},
		{[]string{"restore", "frobnicate"}, "unknown restore subcommand"},
		{[]string{"restore", "--no-such-flag"}, "Usage: fleetbackup restore"},
		{[]string{"restore", "plan", "--no-such-flag", dir}, "Usage: fleetbackup restore plan"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			r := fb(t, "", c.args...)
			wantCode(t, r, 2)
			wantIn(t, "stderr", r.stderr, c.want)
			if r.stdout != "" {
				t.Fatalf("bad input wrote to stdout:\n%s", r)
			}
		})
	}
}

// Running a restore is not built: the command says so and exits 2, whatever follows it.
func TestRestoreRunIsNotBuilt(t *testing.T) {
	dir := demoBackup(t)
	for _, args := range [][]string{{"restore", "run", dir}, {"restore", "run"}, {"restore", "run", "--help"}} {
		r := fb(t, "", args...)
		wantCode(t, r, 2)
		wantIn(t, "stderr", r.stderr, "fleetbackup restore run: running a restore is not built yet", "restore plan <backup>")
		if r.stdout != "" {
			t.Fatalf("restore run wrote to stdout:\n%s", r)
		}
	}
}

func TestRestoreHelpHasExamples(t *testing.T) {
	for _, help := range [][]string{{"restore", "--help"}, {"restore", "-h"}, {"help", "restore"}} {
		r := fb(t, "", help...)
		wantCode(t, r, 0)
		wantIn(t, "restore help", r.stdout, "Usage: fleetbackup restore", "plan <backup>", "NOT BUILT YET",
			"Example:\n  fleetbackup restore plan", "Exit status")
	}
	r := fb(t, "", "restore", "plan", "--help")
	wantCode(t, r, 0)
	wantIn(t, "restore plan help", r.stdout, "Usage: fleetbackup restore plan [flags] <backup>",
		"Example:\n  fleetbackup restore plan", "--mapping FILE", "--order ORDER", "--json", "--no-verify",
		"--backup-root DIR", "FLEETBACKUP_BACKUP_ROOT", "is not built yet", "Exit status")
	r = fb(t, "", "--help")
	wantCode(t, r, 0)
	wantIn(t, "top help", r.stdout, "restore    ", "not built yet")
}
