package layout

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
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
			gotStaging, gotDurable, err := ArtifactDirs(root, tt.runID, tt.e, pathsTarget)
			if !tt.ok {
				if !errors.Is(err, ErrUntrustedArtifact) {
					t.Fatalf("err = %v, want ErrUntrustedArtifact", err)
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
		if err := RemoveStaging(root, pathsRun, targetIDs(p)); err != nil {
			t.Fatal(err)
		}
		if got := names(t, runDir); !slices.Equal(got, []string{seg, "stranger.tmp"}) {
			t.Fatalf("run dir holds %v", got)
		}
	})
	t.Run("removes an emptied run dir", func(t *testing.T) {
		root := t.TempDir()
		mkdirs(t, filepath.Join(root, pathsRun), seg+".tmp", plan.Seg(pathsOther)+".tmp")
		if err := RemoveStaging(root, pathsRun, targetIDs(p)); err != nil {
			t.Fatal(err)
		}
		if got := names(t, root); len(got) != 0 {
			t.Fatalf("backup root holds %v", got)
		}
	})
	t.Run("no run dir", func(t *testing.T) {
		if err := RemoveStaging(t.TempDir(), pathsRun, targetIDs(p)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("refuses a run id that is not a directory name", func(t *testing.T) {
		err := RemoveStaging(t.TempDir(), "..", targetIDs(p))
		if !errors.Is(err, ErrUntrustedArtifact) {
			t.Fatalf("err = %v", err)
		}
	})
}

// A finalize whose KV records name a directory outside the backup (issue 9) fails
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

func targetIDs(p *plan.Plan) []string {
	var ids []string
	for _, t := range p.Targets {
		ids = append(ids, t.CanisterID)
	}
	return ids
}
