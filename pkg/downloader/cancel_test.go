package downloader

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// runIn is an environment on a real server holding one run, r1, in state with locksHeld.
func runIn(t *testing.T, state runs.State, locksHeld bool) *runenv.Env {
	t.Helper()
	js, names := bustest.Installation(t)
	s, err := runstore.OpenStore(context.Background(), js, names)
	if err != nil {
		t.Fatal(err)
	}
	r := runs.New("r1", "demo", "local", "parallel", "reject", "d", "t0")
	r.State, r.LocksHeld = state, locksHeld
	if _, err := s.Runs.Create(context.Background(), r.RunID, r); err != nil {
		t.Fatal(err)
	}
	return &runenv.Env{Store: s}
}

// A download is thrown away only once its run is no longer running: a retried run that is
// locking its canisters again (running, no locks yet) keeps it, as a running one does.
func TestDropIfEndedKeepsDownloadsOfARunningRun(t *testing.T) {
	for _, tc := range []struct {
		state     runs.State
		locksHeld bool
		dropped   bool
	}{
		{runs.Running, true, false},
		{runs.Running, false, false},
		{runs.Failed, false, true},
		{runs.Aborted, false, true},
	} {
		env := runIn(t, tc.state, tc.locksHeld)
		staging := filepath.Join(t.TempDir(), "seg.tmp")
		if err := os.MkdirAll(staging, 0o755); err != nil {
			t.Fatal(err)
		}
		err := dropIfEnded(context.Background(), env, "r1", staging)
		_, statErr := os.Stat(staging)
		if gone := errors.Is(statErr, os.ErrNotExist); gone != tc.dropped {
			t.Errorf("%s (locks %v): staging removed %v, want %v", tc.state, tc.locksHeld, gone, tc.dropped)
		}
		want := "ended (" + string(tc.state) + ") during the download"
		if tc.dropped && (!errors.Is(err, executor.ErrPermanent) || !strings.Contains(err.Error(), want)) {
			t.Errorf("%s: error %v, want a permanent error saying %q", tc.state, err, want)
		}
		if !tc.dropped && err != nil {
			t.Errorf("%s (locks %v): error %v, want none", tc.state, tc.locksHeld, err)
		}
	}
}

// The run check cuts a download short once its run is aborted, with errRunEnded as the cause.
func TestRunCheckCutsTheDownloadOfAnAbortedRun(t *testing.T) {
	env := runIn(t, runs.Aborted, false)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dlCtx, stop := whileRunRuns(ctx, env, "r1")
	defer stop()
	select {
	case <-dlCtx.Done():
		if cause := context.Cause(dlCtx); !errors.Is(cause, errRunEnded) {
			t.Fatalf("cut short with cause %v, want errRunEnded", cause)
		}
	case <-ctx.Done():
		t.Fatal("the download of an aborted run was not cut short")
	}
}
