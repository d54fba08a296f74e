package embedded_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// An abort while canisters are still being stopped: containment starts every canister, and
// restart_required is false afterwards although the starts of canisters never stopped are not
// done (issue 9 finding 10).
func TestAbortWhileStoppingLeavesRestartRequiredFalse(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	slow := f.Slow(t, 1024, map[string]time.Duration{"stop": 150 * time.Millisecond})
	st := embeddedtest.Start(t, f, embedded.Config{Exec: slow, Env: fastRetries})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := client.Submit(ctx, st.Store, subtreeRequest(t, "stopping", f, "parallel"), ""); err != nil {
		t.Fatal(err)
	}
	mid, err := client.WatchRun(ctx, st.Store, "stopping", func(r runs.Record) bool { return r.Counts.StopsCompleted >= 3 })
	if err != nil {
		t.Fatal(err)
	}
	if mid.Counts.StopsCompleted >= 29 {
		t.Skipf("every stop completed before the abort (%d): not an abort while stopping", mid.Counts.StopsCompleted)
	}
	if err := client.SendControl(ctx, st.Store, "stopping", runs.ActionAbort); err != nil {
		t.Fatal(err)
	}
	rec := waitContained(t, st, "stopping")
	if rec.State != runs.Aborted || rec.RestartRequired {
		t.Fatalf("after containment: %s, restart_required %v, counts %+v", rec.State, rec.RestartRequired, rec.Counts)
	}
	checkAllRunning(t, f)
}

// An abort during downloads removes the run's staging directories once the run is settled,
// including the one a download still in flight finishes after the abort (finding 9).
func TestAbortedRunLeavesNoStaging(t *testing.T) {
	ctx, _, runDir, _ := abortDuringDownloads(t, "debris", 500*time.Millisecond)
	waitNoStaging(t, ctx, runDir)
}

// abortDuringDownloads starts a backup whose downloads each take download, aborts it once a
// download is in flight, and waits until the run is settled with its locks free.
func abortDuringDownloads(t *testing.T, runID string, download time.Duration) (context.Context, *embeddedtest.Stack, string, runs.Record) {
	t.Helper()
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	slow := f.Slow(t, 1024, map[string]time.Duration{"download": download})
	st := embeddedtest.Start(t, f, embedded.Config{Exec: slow, Env: fastRetries})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	if err := client.Submit(ctx, st.Store, subtreeRequest(t, runID, f, "parallel"), ""); err != nil {
		t.Fatal(err)
	}
	runDir := filepath.Join(st.BackupRoot, runID)
	waitForStaging(t, ctx, runDir)
	if err := client.SendControl(ctx, st.Store, runID, runs.ActionAbort); err != nil {
		t.Fatal(err)
	}
	rec, err := client.WatchRun(ctx, st.Store, runID, func(r runs.Record) bool { return r.Settled() && !r.LocksHeld })
	if err != nil {
		t.Fatal(err)
	}
	return ctx, st, runDir, rec
}

// An abort cuts the downloads in flight short (each takes 10 minutes here): they end within a
// few seconds, remove their staging directories and fail with the reason, and no download is
// left claimed. Before, each ran to its end and only then found the run aborted.
func TestAbortCutsDownloadsShort(t *testing.T) {
	ctx, st, runDir, rec := abortDuringDownloads(t, "cut", 10*time.Minute)
	ops := waitDownloadsEnded(t, ctx, st, "cut", rec.Counts.Total)
	cut := 0
	for _, o := range ops {
		reasons := strings.Join(o.Op.BlockingReasons, " ")
		switch {
		case o.Op.Kind != plan.KindDownloadSnapshot:
		case o.Op.State == journal.StateFailed && strings.Contains(reasons, "ended (aborted) during the download"):
			cut++
		case o.Op.State == journal.StateFailed || o.Op.State == journal.StateCompleted:
			t.Errorf("%s: %s, reasons %q", o.Op.OperationID, o.Op.State, reasons)
		}
	}
	if cut == 0 {
		t.Fatal("no download in flight was cut short by the abort")
	}
	waitNoStaging(t, ctx, runDir)
}

// waitDownloadsEnded waits until no download of the run is claimed or in flight, and returns
// the run's n operations as they are then.
func waitDownloadsEnded(t *testing.T, ctx context.Context, st *embeddedtest.Stack, runID string, n int) []runstore.OpRecord {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ops, err := st.Store.LoadOps(ctx, runID, n)
		if err != nil {
			t.Fatal(err)
		}
		busy := slices.ContainsFunc(ops, func(o runstore.OpRecord) bool {
			return o.Op.Kind == plan.KindDownloadSnapshot && (o.Claim != nil || o.Op.State == journal.StatePending)
		})
		if !busy {
			return ops
		}
		select {
		case <-ctx.Done():
			t.Fatal("downloads still in flight after the abort")
		case <-tick.C:
		}
	}
}

func waitForStaging(t *testing.T, ctx context.Context, runDir string) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if left, _ := filepath.Glob(filepath.Join(runDir, "*.tmp")); len(left) > 0 {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatal("no download started")
		case <-tick.C:
		}
	}
}

// waitNoStaging waits until no staging directory is left: a download in flight at the abort
// removes its own when it ends.
func waitNoStaging(t *testing.T, ctx context.Context, runDir string) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		left, _ := filepath.Glob(filepath.Join(runDir, "*.tmp"))
		if len(left) == 0 {
			return
		}
		select {
		case <-ctx.Done():
			entries, _ := os.ReadDir(runDir)
			t.Fatalf("staging left behind after the abort: %v (run dir holds %d entries)", left, len(entries))
		case <-tick.C:
		}
	}
}
