package retention

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/timestamp"
)

// day is 2026-11-<n> 02:00 UTC as a manifest marker.
func day(n int) string {
	return timestamp.Marker(time.Date(2026, 11, n, 2, 0, 0, 0, time.UTC))
}

// decisions maps run id to "keep" or "remove" and the joined reasons.
func decisions(p *Plan) map[string]string {
	out := map[string]string{}
	for _, d := range p.Decisions {
		action := "keep"
		if d.Remove {
			action = "remove"
		}
		out[d.ID] = action + ": " + strings.Join(d.Reasons, "; ")
	}
	return out
}

func planRoot(t *testing.T, root string, p Policy, o Options) *Plan {
	t.Helper()
	inv, err := Scan(root)
	must(t, err)
	pl, err := NewPlan(inv, p, o)
	must(t, err)
	return pl
}

func wantDecision(t *testing.T, got map[string]string, id, prefix string) {
	t.Helper()
	if !strings.HasPrefix(got[id], prefix) {
		t.Errorf("%s: %q, want it to start with %q", id, got[id], prefix)
	}
}

func TestNewPlanSafetyRules(t *testing.T) {
	root := t.TempDir()
	for n := 1; n <= 4; n++ {
		writeBackup(t, root, "nightly-"+strconv.Itoa(n), day(n))
	}
	writeRestore(t, filepath.Join(root, "nightly-1"), "restore-a", false) // being read
	writeRestore(t, filepath.Join(root, "nightly-2"), "restore-b", true)  // finished
	touchTree(t, writeIncomplete(t, root, "failed-0"), time.Date(2026, 10, 31, 2, 0, 0, 0, time.UTC))
	touchTree(t, writeIncomplete(t, root, "running-5"), time.Date(2026, 11, 5, 2, 0, 0, 0, time.UTC))

	got := decisions(planRoot(t, root, Policy{Last: 1}, Options{}))
	wantDecision(t, got, "nightly-4", "keep: last; "+ReasonNewest)
	wantDecision(t, got, "nightly-3", "remove: ")
	wantDecision(t, got, "nightly-2", "remove: ")
	wantDecision(t, got, "nightly-1", "keep: "+ReasonRestore+": restore-a")
	wantDecision(t, got, "failed-0", "keep: "+ReasonIncomplete)
	wantDecision(t, got, "running-5", "keep: "+ReasonIncomplete)

	got = decisions(planRoot(t, root, Policy{Last: 1}, Options{IncludeIncomplete: true}))
	wantDecision(t, got, "failed-0", "remove: "+ReasonIncomplete)
	wantDecision(t, got, "running-5", "keep: "+ReasonRunning)
}

// An incomplete run never fills a bucket: the day's completed backup is its daily backup even
// when the failed run is newer.
func TestIncompleteRunsDoNotFillBuckets(t *testing.T) {
	root := t.TempDir()
	writeBackup(t, root, "good", day(1))
	touchTree(t, writeIncomplete(t, root, "failed"), time.Date(2026, 11, 1, 23, 0, 0, 0, time.UTC))
	writeBackup(t, root, "newer", day(2))
	got := decisions(planRoot(t, root, Policy{Daily: 2}, Options{IncludeIncomplete: true}))
	wantDecision(t, got, "good", "keep: daily 2026-11-01")
	wantDecision(t, got, "failed", "remove: ")
	wantDecision(t, got, "newer", "keep: daily 2026-11-02; "+ReasonNewest)
}

func TestNewPlanOrderAndRefusal(t *testing.T) {
	root := t.TempDir()
	writeBackup(t, root, "b", day(2))
	writeBackup(t, root, "a", day(3))
	writeBackup(t, root, "c", day(1))
	p := planRoot(t, root, Policy{Last: 1}, Options{})
	var order []string
	for _, d := range p.Decisions {
		order = append(order, d.ID)
	}
	if !slices.Equal(order, []string{"a", "b", "c"}) {
		t.Fatalf("order = %v, want newest first", order)
	}
	inv, err := Scan(root)
	must(t, err)
	if _, err := NewPlan(inv, Policy{}, Options{}); !errors.Is(err, ErrEmptyPolicy) {
		t.Fatalf("empty policy: %v", err)
	}
}

func TestApplyRemovesExactlyThePlan(t *testing.T) {
	root := t.TempDir()
	for n := 1; n <= 3; n++ {
		writeBackup(t, root, "nightly-"+strconv.Itoa(n), day(n))
	}
	writeFile(t, filepath.Join(root, "photos", "cat.jpg"), "meow")
	p := planRoot(t, root, Policy{Last: 1}, Options{})
	// A restore starts reading nightly-1 after the plan was made.
	writeRestore(t, filepath.Join(root, "nightly-1"), "late", false)
	outcomes, err := Apply(p)
	if !errors.Is(err, ErrChanged) {
		t.Fatalf("Apply error = %v, want ErrChanged", err)
	}
	removed := map[string]bool{}
	for _, o := range outcomes {
		removed[o.ID] = o.Removed
	}
	if !removed["nightly-2"] || removed["nightly-1"] || len(outcomes) != 2 {
		t.Fatalf("outcomes = %+v", outcomes)
	}
	entries, err := os.ReadDir(root)
	must(t, err)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if !slices.Equal(left, []string{"nightly-1", "nightly-3", "photos"}) {
		t.Fatalf("left under the root: %v", left)
	}
}
