package layout_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/principal"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

const (
	run      = "run-hostile"
	canister = "renrk-eyaaa-aaaaa-aaada-cai"
)

// hostileRunIDs and hostileCanisters are ids a stranger could send (a request, a control
// subject, a KV record): none may name a directory.
var (
	hostileRunIDs = []string{"", ".", "..", "../", "../etc", "a/../../b", "/", "/etc", "a/b", `a\b`, "a\x00b",
		"run\n", "a b", " ", "*", ">", "a.b", "%2e%2e", "ｒｕｎ", "r\u0430n", "run\u200f", "\u202erun",
		"ru\u200dn", "\ufeffrun", strings.Repeat("a", 10_000)}
	hostileCanisters = append([]string{"restores", "aaaaa-aa.tmp", "aaaaa_aa", "\u0430aaaa-aa", "ａａａａａ-ａａ",
		"aaaaa-aa\u200d", "AAAAA-AA", canister + "/", "./" + canister, canister + "\x00", canister + ".tmp"}, hostileRunIDs...)
)

// Hostile run ids and canister ids give no directory; RemoveStaging with them removes nothing.
func TestHostileIDsNameNoDirectory(t *testing.T) {
	root := t.TempDir()
	mkdirAll(t, filepath.Join(root, run, plan.Seg(canister)+".tmp"))
	mkdirAll(t, filepath.Join(root, "victim.tmp"))
	before := tree(t, root)
	for _, id := range hostileRunIDs {
		if s, d, err := layout.TargetDirs(root, id, canister); !errors.Is(err, layout.ErrUntrustedArtifact) {
			t.Errorf("run id %q: TargetDirs = %q, %q, %v", id, s, d, err)
		}
		if err := layout.RemoveStaging(root, id, []string{canister}); !errors.Is(err, layout.ErrUntrustedArtifact) {
			t.Errorf("run id %q: RemoveStaging = %v", id, err)
		}
	}
	for _, id := range hostileCanisters {
		if s, d, err := layout.TargetDirs(root, run, id); !errors.Is(err, layout.ErrUntrustedArtifact) {
			t.Errorf("canister id %q: TargetDirs = %q, %q, %v", id, s, d, err)
		}
		e := artifact.Entry{CanisterID: id, ArtifactPath: plan.Seg(id)}
		if s, d, err := layout.ArtifactDirs(root, run, e, id); !errors.Is(err, layout.ErrUntrustedArtifact) {
			t.Errorf("canister id %q: ArtifactDirs = %q, %q, %v", id, s, d, err)
		}
		_ = layout.RemoveStaging(root, run, []string{id, "../victim", "..", "."})
	}
	if after := tree(t, root); !slices.Equal(after, before) {
		t.Fatalf("the backup root changed:\nbefore %v\nafter  %v", before, after)
	}
}

// A record whose artifact_path or temp_path is a look-alike of the derived name is refused.
func TestLookAlikeArtifactRecords(t *testing.T) {
	root := t.TempDir()
	staging, durable, err := layout.TargetDirs(root, run, canister)
	if err != nil {
		t.Fatal(err)
	}
	seg := filepath.Base(durable)
	for _, path := range []string{"./" + seg, seg + "/", seg + "/.", seg + "/../" + seg, strings.Replace(seg, "a", "\u0430", 1),
		strings.Replace(seg, "r", "ｒ", 1), seg + "\u200f", seg + "\x00", "%2e%2e/" + seg, seg + ".tmp", "", ".", "..",
		strings.ToUpper(seg), " " + seg, filepath.Join(root, run, seg)} {
		e := artifact.Entry{CanisterID: canister, ArtifactPath: path}
		if _, _, err := layout.ArtifactDirs(root, run, e, canister); !errors.Is(err, layout.ErrUntrustedArtifact) {
			t.Errorf("artifact_path %q: %v", path, err)
		}
	}
	for _, temp := range []string{staging + "/", staging + "/.", root + "/" + run + "/../" + run + "/" + seg + ".tmp",
		staging[len(root)+1:], durable, staging + "\x00", staging + "\u200d", filepath.Join(root, "..", seg+".tmp")} {
		e := artifact.Entry{CanisterID: canister, ArtifactPath: seg, TempPath: &temp}
		if _, _, err := layout.ArtifactDirs(root, run, e, canister); !errors.Is(err, layout.ErrUntrustedArtifact) {
			t.Errorf("temp_path %q: %v", temp, err)
		}
	}
}

// FuzzTargetDirs: whatever run id and canister id TargetDirs accepts are a run id and a
// principal, and the directories are <root>/<run_id>/<canister_id>[.tmp], which the derived
// record names and ArtifactDirs accepts.
func FuzzTargetDirs(f *testing.F) {
	for _, id := range hostileRunIDs {
		f.Add(id, canister)
	}
	for _, id := range hostileCanisters {
		f.Add(run, id)
	}
	f.Add(run, canister)
	root := filepath.FromSlash("/srv/backups")
	f.Fuzz(func(t *testing.T, runID, canisterID string) {
		staging, durable, err := layout.TargetDirs(root, runID, canisterID)
		if err != nil {
			if !errors.Is(err, layout.ErrUntrustedArtifact) {
				t.Fatalf("TargetDirs(%q, %q): %v", runID, canisterID, err)
			}
			return
		}
		switch {
		case !runs.IDPattern.MatchString(runID) || !principal.Valid(canisterID):
			t.Fatalf("accepted run %q, canister %q", runID, canisterID)
		case durable != root+string(filepath.Separator)+runID+string(filepath.Separator)+canisterID:
			t.Fatalf("durable %q for run %q, canister %q", durable, runID, canisterID)
		case staging != durable+".tmp" || filepath.Dir(filepath.Dir(durable)) != root:
			t.Fatalf("staging %q, durable %q leave %s", staging, durable, root)
		}
		e := artifact.Entry{CanisterID: canisterID, ArtifactPath: plan.Seg(canisterID), TempPath: &staging}
		s, d, err := layout.ArtifactDirs(root, runID, e, canisterID)
		if err != nil || s != staging || d != durable {
			t.Fatalf("ArtifactDirs of the derived record = %q, %q, %v", s, d, err)
		}
	})
}

// FuzzArtifactDirs: a record is accepted only when its paths are exactly the derived ones.
func FuzzArtifactDirs(f *testing.F) {
	f.Add(canister, canister, "/srv/backups/"+run+"/"+canister+".tmp", true)
	f.Add(canister, "../"+canister, "", false)
	f.Add("aaaaa-aa", canister, "/srv/backups/"+run+"/"+canister+"/../x.tmp", true)
	root := filepath.FromSlash("/srv/backups")
	f.Fuzz(func(t *testing.T, recordCanister, artifactPath, tempPath string, withTemp bool) {
		e := artifact.Entry{CanisterID: recordCanister, ArtifactPath: artifactPath}
		if withTemp {
			e.TempPath = &tempPath
		}
		staging, durable, err := layout.ArtifactDirs(root, run, e, canister)
		if err != nil {
			return
		}
		want := filepath.Join(root, run, canister)
		if recordCanister != canister || artifactPath != canister || durable != want || staging != want+".tmp" ||
			(withTemp && tempPath != staging) {
			t.Fatalf("accepted record %+v (temp %q): %q, %q", e, tempPath, staging, durable)
		}
	})
}

// Seg and Safe never let a hostile text through as more than one ASCII name; Seg has no dot at
// all, so it can never be "." or ".." nor end in ".tmp". Safe may keep dots: it names plan ids,
// never a path.
func TestSegAndSafeOfHostileTexts(t *testing.T) {
	for _, s := range hostileCanisters {
		seg, safe := plan.Seg(s), plan.Safe(s)
		for _, r := range seg + safe {
			if r >= 0x80 || r == '/' || r == '\\' || r == 0 || r == ' ' {
				t.Errorf("Seg(%q) = %q, Safe = %q: rune %q", s, seg, safe, r)
			}
		}
		if strings.Contains(seg, ".") || len(seg) != len([]rune(s)) {
			t.Errorf("Seg(%q) = %q: not one dot-free character per character", s, seg)
		}
		if id := plan.RunIDFromPlanID(plan.DefaultPlanID(s, time.Unix(0, 0))); runs.IDPattern.MatchString(id) {
			if !filepath.IsLocal(id) || strings.Contains(id, ".") {
				t.Errorf("fleet %q gives run id %q", s, id)
			}
		}
	}
}

func mkdirAll(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

// tree lists every path under root (relative, sorted), with "/" after directories.
func tree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			rel += "/"
		}
		out = append(out, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
