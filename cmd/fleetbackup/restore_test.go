package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/restore"
)

// restorePhaseHeads are the phase cells of `restore plan`'s table, in the order they must appear.
var restorePhaseHeads = []string{"1 uploads", "2 stops", "3 loads", "4 starts", "5 checks", "6 finalize"}

// restorePlanDoc runs `restore plan --json` on dir and reads the plan strictly, as pkg/restore does.
func restorePlanDoc(t *testing.T, dir string) *restore.Plan {
	t.Helper()
	r := fb(t, "", "restore", "plan", "--json", dir)
	wantCode(t, r, 0)
	p, err := restore.LoadPlan([]byte(strings.TrimSuffix(r.stdout, "\n")))
	if err != nil {
		t.Fatalf("restore plan --json is not a restore-plan.json: %v\n%s", err, r)
	}
	return p
}

// writeMapping writes a mapping document of source, target pairs and returns its path.
func writeMapping(t *testing.T, pairs ...string) string {
	t.Helper()
	m := restore.Mapping{Members: []restore.MappingEntry{}}
	for i := 0; i+1 < len(pairs); i += 2 {
		m.Members = append(m.Members, restore.MappingEntry{SourceCanister: pairs[i], TargetCanister: pairs[i+1]})
	}
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "mapping.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fbWithEnv runs the binary with extra environment variables.
func fbWithEnv(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(cleanEnv(), env...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errOut.String()}
	if exitErr, ok := err.(*exec.ExitError); ok {
		r.code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("running fleetbackup %v: %v", args, err)
	}
	return r
}

func TestRestorePlanPrintsThePhases(t *testing.T) {
	dir := demoBackup(t)
	r := fb(t, "", "restore", "plan", dir)
	wantCode(t, r, 0)
	wantIn(t, "restore plan", r.stdout, "Restore plan for backup "+filepath.Base(dir), "nothing was touched",
		"layout integrity: manifest and download journal agree, 4 artifacts re-hashed",
		"upload-snapshot", "load-snapshot", "check-member", "finalize-restore", "user_shard_3",
		"21 operations in 6 phases for 4 members, order parallel", "Run it: fleetbackup restore run "+filepath.Base(dir)+" (")
	last := -1
	for _, head := range restorePhaseHeads {
		at := strings.Index(r.stdout, head)
		if at <= last {
			t.Fatalf("phase %q missing or out of order:\n%s", head, r.stdout)
		}
		last = at
	}
	// A run id resolves under --backup-root, or FLEETBACKUP_BACKUP_ROOT.
	root, id := filepath.Dir(dir), filepath.Base(dir)
	r = fb(t, "", "restore", "plan", "--backup-root", root, id, "--order", "strict")
	wantCode(t, r, 0)
	wantIn(t, "restore plan by run id", r.stdout, "strict: 1 operation(s) may start at once", "6 finalize",
		"Run it: fleetbackup restore run "+id+" --order strict (")
	r = fbWithEnv(t, []string{"FLEETBACKUP_BACKUP_ROOT=" + root}, "restore", "plan", id, "--no-verify")
	wantCode(t, r, 0)
	wantIn(t, "restore plan --no-verify", r.stdout, "layout integrity skipped", "4 artifacts match the manifest's SHA-256")
}

func TestRestorePlanJSON(t *testing.T) {
	dir := demoBackup(t)
	p := restorePlanDoc(t, dir)
	if p.MemberCount != 4 || len(p.Members) != 4 || p.BackupID != filepath.Base(dir) || !p.ReadinessSummary.Ready {
		t.Fatalf("unexpected plan: member_count %d, %d members, backup %s, ready %t",
			p.MemberCount, len(p.Members), p.BackupID, p.ReadinessSummary.Ready)
	}
	if p.Members[0].Role != "user_hub" || p.Members[0].OrderingDependency != nil {
		t.Fatalf("the subtree's root is not restored first: %+v", p.Members[0])
	}
	// A mapping that swaps two relocatable members is a valid plan; the table shows the moves.
	a, b := p.Members[2].SourceCanister, p.Members[3].SourceCanister
	mp := writeMapping(t, p.Members[0].SourceCanister, p.Members[0].SourceCanister,
		p.Members[1].SourceCanister, p.Members[1].SourceCanister, a, b, b, a)
	r := fb(t, "", "restore", "plan", dir, "--mapping", mp)
	wantCode(t, r, 0)
	wantIn(t, "restore plan --mapping", r.stdout, "2 in place, 2 onto other canisters", b+" ← "+a, a+" ← "+b)
}

// rejectionCase damages a copy of a backup, or brings a bad mapping, and says what the rejection
// must name.
type rejectionCase struct {
	name   string
	damage func(t *testing.T, dir string) (args []string, want []string)
}

// restoreRejections are the rejections before anything is touched; ids are the backup's
// members in plan order.
func restoreRejections(ids []string) []rejectionCase {
	return []rejectionCase{
		{"flipped byte in an artifact", func(t *testing.T, dir string) ([]string, []string) {
			art := artifactDirs(t, dir)[0]
			flipByte(t, filepath.Join(dir, art, "wasm_memory.bin"))
			return nil, []string{"layout-integrity", art + "/", "does not match its SHA-256"}
		}},
		{"flipped byte, --no-verify", func(t *testing.T, dir string) ([]string, []string) {
			art := artifactDirs(t, dir)[1]
			flipByte(t, filepath.Join(dir, art, "stable_memory.bin"))
			return []string{"--no-verify"}, []string{"rejected at artifacts", art + "/", "does not match its SHA-256"}
		}},
		{"missing artifact", func(t *testing.T, dir string) ([]string, []string) {
			art := artifactDirs(t, dir)[2]
			if err := os.RemoveAll(filepath.Join(dir, art)); err != nil {
				t.Fatal(err)
			}
			return nil, []string{art + "/", "is missing"}
		}},
		{"edited manifest", func(t *testing.T, dir string) ([]string, []string) {
			editManifestChecksum(t, dir)
			return nil, []string{"fleet-backup-manifest.json differs from download-journal.json"}
		}},
		{"mapping names a canister twice", func(t *testing.T, dir string) ([]string, []string) {
			mp := writeMapping(t, ids[0], ids[0], ids[1], ids[0], ids[2], ids[2], ids[3], ids[3])
			return []string{"--mapping", mp}, []string{"rejected at mapping", "names target canister " + ids[0] + " twice"}
		}},
		{"mapping misses a member", func(t *testing.T, dir string) ([]string, []string) {
			mp := writeMapping(t, ids[0], ids[0], ids[1], ids[1], ids[2], ids[2])
			return []string{"--mapping", mp}, []string{"rejected at plan", "misses member " + ids[3]}
		}},
	}
}

func TestRestorePlanRejections(t *testing.T) {
	src := demoBackup(t)
	p := restorePlanDoc(t, src)
	ids := make([]string, len(p.Members))
	for i, m := range p.Members {
		ids[i] = m.SourceCanister
	}
	for _, c := range restoreRejections(ids) {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDir(t, src)
			args, want := c.damage(t, dir)
			for _, asJSON := range []bool{false, true} {
				argv := append([]string{"restore", "plan", dir}, args...)
				if asJSON {
					argv = append(argv, "--json")
				}
				r := fb(t, "", argv...)
				wantCode(t, r, 1)
				wantIn(t, "restore plan output", r.stdout+r.stderr, append(want, "REJECTED", "nothing was touched")...)
				if asJSON && r.stdout != "" {
					t.Fatalf("a rejected --json dry run printed on stdout:\n%s", r)
				}
			}
		})
	}
}
