package restore

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// A backup with more members than AdmitOptions.MaxTargets is refused at the target count,
// naming the count, the limit and the flag, before anything else: a damaged artifact is not
// even hashed (the refusal is not layout integrity's or the artifacts'). Exactly at the limit,
// and at the default, it is admitted.
func TestAdmitMaxTargets(t *testing.T) {
	cases := []struct {
		name    string
		opts    AdmitOptions
		damaged bool
		refused bool
	}{
		{"over", AdmitOptions{MaxTargets: 1}, false, true},
		{"over, damaged", AdmitOptions{MaxTargets: 1}, true, true},
		{"over, damaged, unverified", AdmitOptions{MaxTargets: 1, SkipLayoutIntegrity: true}, true, true},
		{"at", AdmitOptions{MaxTargets: 2}, false, false},
		{"at, unverified", AdmitOptions{MaxTargets: 2, SkipLayoutIntegrity: true}, false, false},
		{"default", AdmitOptions{}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFixtureDir(t, nil) // two members
			if c.damaged {
				flipByte(t, filepath.Join(dir, "artifacts", "root"))
			}
			a, err := Admit(dir, c.opts)
			if !c.refused {
				if err != nil || a.Plan.MemberCount != 2 {
					t.Fatalf("admission: %v", err)
				}
				return
			}
			checkTargetRefusal(t, a, err, 2, c.opts.MaxTargets)
		})
	}
}

// checkTargetRefusal fails unless err refuses a backup of count members at the target count.
func checkTargetRefusal(t *testing.T, a *Admission, err error, count, limit int) {
	t.Helper()
	var ae *AdmissionError
	if a != nil || !errors.As(err, &ae) || ae.Step != StepTargets || !errors.Is(err, plan.ErrTooManyTargets) {
		t.Fatalf("got %v, want a refusal at step %s", err, StepTargets)
	}
	for _, want := range []string{"the backup has " + strconv.Itoa(count) + " targets", "limit of " + strconv.Itoa(limit), "--max-targets"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not name %q", err, want)
		}
	}
}

// A hostile backup directory: a valid manifest with more members than the limit and nothing
// else (no download journal, no artifact) is refused at the target count, before layout
// integrity or the artifact check would look for any of them.
func TestAdmitRefusesAManifestOverTheLimitFirst(t *testing.T) {
	dir := writeFixtureDir(t, nil)
	for _, name := range []string{"artifacts", layout.DownloadJournalFile} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, skip := range []bool{false, true} {
		a, err := Admit(dir, AdmitOptions{MaxTargets: 1, SkipLayoutIntegrity: skip})
		checkTargetRefusal(t, a, err, 2, 1)
	}
	if _, err := Admit(dir, AdmitOptions{MaxTargets: 2}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("within the limit: %v, want layout integrity to miss the download journal", err)
	}
}
