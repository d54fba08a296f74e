package restore

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// hostileCanisters are mapping values a stranger could publish in a restore request: paths,
// wildcards, and look-alikes of the fixture's own members (aaaaa-aa, renrk-…).
var hostileCanisters = []string{"", ".", "..", "../", "../" + childID, "/", "/etc", childID + "/", "a/b",
	childID + "\x00", "\x00", "*", ">", " " + rootID, rootID + " ", "aaaaa.aa", "%2e%2e", strings.ToUpper(rootID),
	"ａａａａａ-ａａ", "\u0430aaaa-aa", strings.Replace(childID, "a", "\u0430", 1), rootID + "\u200f",
	"\u202e" + rootID, "aaaaa-\u200daa", "\ufeff" + rootID, strings.Repeat("a", 10_000), "aaaaa-aa\xff"}

// A mapping naming a hostile canister as source or target is refused by ValidateMapping and by
// admission, which reads the backup directory and writes nothing in it.
func TestHostileMappingIsRefused(t *testing.T) {
	m := fixtureA(plan.IdentityRelocatable)
	dir := writeFixtureDir(t, nil)
	before := listTree(t, dir)
	for _, bad := range hostileCanisters {
		for _, mp := range []*Mapping{mapping(bad, targetID, rootID, rootID), mapping(childID, bad, rootID, rootID)} {
			if err := ValidateMapping(mp, m); !errors.Is(err, ErrInvalidPrincipal) {
				t.Errorf("mapping %+v: %v, want ErrInvalidPrincipal", mp.Members[0], err)
			}
			_, err := Admit(dir, AdmitOptions{Mapping: mp})
			var ae *AdmissionError
			if !errors.As(err, &ae) || ae.Step != StepMapping || !errors.Is(err, ErrInvalidPrincipal) {
				t.Errorf("admitting mapping %+v: %v", mp.Members[0], err)
			}
		}
	}
	if after := listTree(t, dir); !slices.Equal(after, before) {
		t.Fatalf("admission changed the backup directory:\nbefore %v\nafter  %v", before, after)
	}
}

// FuzzValidateMapping: a mapping ValidateMapping accepts names principals only, its source is a
// member, and the plan built from it restores every member onto a principal.
func FuzzValidateMapping(f *testing.F) {
	for _, bad := range hostileCanisters {
		f.Add(bad, targetID)
		f.Add(childID, bad)
	}
	f.Add(childID, targetID)
	f.Add(childID, rootID)
	m := fixtureA(plan.IdentityRelocatable)
	f.Fuzz(func(t *testing.T, source, target string) {
		mp := mapping(source, target, rootID, rootID)
		if ValidateMapping(mp, m) != nil {
			return
		}
		if !principal.Valid(source) || !principal.Valid(target) || source != childID {
			t.Fatalf("accepted mapping %q -> %q", source, target)
		}
		p, err := BuildPlan(m, mp)
		if err != nil {
			return // e.g. a target that is another member's source: not the concern here
		}
		for _, mem := range p.Members {
			if !principal.Valid(mem.TargetCanister) || plan.Seg(mem.TargetCanister) != mem.TargetCanister {
				t.Fatalf("plan restores onto %q", mem.TargetCanister)
			}
		}
	})
}

// listTree lists every path under root (relative, sorted), directories with a trailing "/".
func listTree(t *testing.T, root string) []string {
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
