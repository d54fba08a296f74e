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

func TestRestoreHelpHasExamples(t *testing.T) {
	for _, help := range [][]string{{"restore", "--help"}, {"restore", "-h"}, {"help", "restore"}} {
		r := fb(t, "", help...)
		wantCode(t, r, 0)
		wantIn(t, "restore help", r.stdout, "Usage: fleetbackup restore", "plan <backup>", "run <backup>",
			"abort --force", "Example:\n  fleetbackup restore plan", "fleetbackup restore run", "Exit status")
		if strings.Contains(r.stdout, "not built") {
			t.Fatalf("restore help still says running a restore is not built:\n%s", r.stdout)
		}
	}
	r := fb(t, "", "restore", "plan", "--help")
	wantCode(t, r, 0)
	wantIn(t, "restore plan help", r.stdout, "Usage: fleetbackup restore plan [flags] <backup>",
		"Example:\n  fleetbackup restore plan", "--mapping FILE", "--order ORDER", "--json", "--no-verify",
		"--backup-root DIR", "FLEETBACKUP_BACKUP_ROOT", "fleetbackup restore run", "Exit status")
	r = fb(t, "", "restore", "run", "--help")
	wantCode(t, r, 0)
	wantIn(t, "restore run help", r.stdout, "Usage: fleetbackup restore run [flags] <backup>",
		"Example:\n  fleetbackup restore run", "--mapping FILE", "--order ORDER", "--keep-uploaded-snapshots",
		"--no-verify", "--run-id ID", "--network NETWORK", "--on-conflict POLICY", "--detach", "--json",
		"--nats-url", "attention required", "abort --force", "Exit status")
	r = fb(t, "", "--help")
	wantCode(t, r, 0)
	wantIn(t, "top help", r.stdout, "restore    ", "restore a fleet from a backup")
	r = fb(t, "", "abort", "--help")
	wantCode(t, r, 0)
	wantIn(t, "abort help", r.stdout, "--force", "loads have begun", `{"action": "abort", "force": true}`)
}

// `restore run` checks its command line and the request before it connects: bad usage or input
// exits 2 without a NATS server, naming what is wrong.
func TestRestoreRunBadInputExitsTwo(t *testing.T) {
	dir := demoBackup(t)
	malformed := filepath.Join(t.TempDir(), "mapping.json")
	if err := os.WriteFile(malformed, []byte(`{"members": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	noNATS := []string{"--nats-url", "nats://127.0.0.1:1"}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"restore", "run"}, "missing argument <backup>"},
		{[]string{"restore", "run", "b-1", "b-2"}, "unexpected argument"},
		{[]string{"restore", "run", "--no-such-flag", "b-1"}, "Usage: fleetbackup restore run"},
		{[]string{"restore", "run", "b-1", "--order", "sideways"}, "--order \"sideways\": want parallel or strict"},
		{[]string{"restore", "run", "b-1", "--on-conflict", "maybe"}, "--on-conflict \"maybe\": want reject or wait"},
		{[]string{"restore", "run", dir}, "by run id"},
		{[]string{"restore", "run", dir}, "this directory's run id is " + filepath.Base(dir)},
		{[]string{"restore", "run", "b-1", "--mapping", filepath.Join(t.TempDir(), "none.json")}, "--mapping"},
		{[]string{"restore", "run", "b-1", "--mapping", malformed}, "malformed restore document"},
		{[]string{"restore", "run", "b-1", "--run-id", "not a run id"}, "run_id"},
		{[]string{"abort", "--force"}, "missing argument <run_id>"},
		{[]string{"abort", "--force=maybe", "r-1"}, "invalid boolean value"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			r := fb(t, "", append(c.args, noNATS...)...)
			wantCode(t, r, 2)
			wantIn(t, "stderr", r.stderr, c.want)
			if r.stdout != "" {
				t.Fatalf("bad input wrote to stdout:\n%s", r)
			}
		})
	}
}
