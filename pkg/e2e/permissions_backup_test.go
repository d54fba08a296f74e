package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim/simcheck"
	"github.com/fleetbackup/fleetbackup/pkg/layout/layouttest"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// startSecured starts a secured server and the five services, each a process connected over
// TLS with its own identity (deploy/auth, docs/security.md): the planner first, which alone
// may create the installation, then the workers. Runs are driven as the operator.
func startSecured(t *testing.T, f *embeddedtest.Fleet, timeout time.Duration) *secured {
	s := newSecured(t, f, timeout, "--sim-artifact-bytes", "4096")
	s.startPulling(s.ctx, bus.IdentityPlanner)
	s.startPulling(s.ctx, bus.IdentitySnapshotter, bus.IdentityDownloader, bus.IdentityVerifier, bus.IdentityFinalizer)
	s.store = s.storeAs(s.ctx, bus.IdentityOperator)
	return s
}

// completes submits a request as the identity whose store is given and waits until the run
// completed.
func (s *secured) completes(store *runstore.Store, restore bool, runID string, body []byte) runs.Record {
	s.t.Helper()
	submit := client.Submit
	if restore {
		submit = client.SubmitRestore
	}
	if err := submit(s.ctx, store, body, ""); err != nil {
		s.t.Fatal(err)
	}
	rec, err := client.WaitTerminal(s.ctx, s.store, runID)
	if err != nil || rec.State != runs.Completed {
		s.dumpOps(runID)
		s.t.Fatalf("run %s: %s %s (%v)", runID, rec.State, deref(rec.Error), context.Cause(s.ctx))
	}
	return rec
}

// With least privilege, the pipeline backs up a subtree in parallel and in strict order and
// restores it in both orders (every hand-off between services: a restore's downloader
// dispatches the first stops), driven by the operator and restorer roles, and the server
// reports no permission violation at all: every identity's grant covers its whole job.
func TestPermissionsBackupAndRestore(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{1, 3, 9}), 4096)
	s := startSecured(t, f, 3*time.Minute)
	first := s.completes(s.store, false, "secure-1", subtreeRequest(t, "secure-1", f))
	p := layouttest.CheckBackupDir(t, *first.BackupDir)
	simcheck.CheckFleetAfterBackup(t, f.StateDir, p, map[string]int{})
	s.completes(s.store, false, "secure-strict", withField(t, subtreeRequest(t, "secure-strict", f), "order", "strict"))

	targets := embeddedtest.Members(t, *first.BackupDir)
	want := rpMutate(t, f.StateDir, targets)
	restorer := s.storeAs(s.ctx, bus.IdentityRestorer)
	s.completes(restorer, true, "secure-r1", rpRestoreBody(t, "secure-r1", "secure-1"))
	rpCheckRestored(t, f, targets, want, true)
	s.completes(restorer, true, "secure-r2", withField(t, rpRestoreBody(t, "secure-r2", "secure-1"), "order", "strict"))
	if v := s.log.all(); len(v) > 0 {
		t.Fatalf("the server reported %d permission violations while the services worked:\n%v", len(v), v)
	}
}

// With least privilege, a failed stop fails the run and the planner contains it (the
// snapshotter asks on the run's internal subject; the planner dispatches the starts); the
// operator's retry is answered on its inbox and completes the run, without a violation.
func TestPermissionsContainmentAndRetry(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{1, 3, 9}), 4096)
	s := startSecured(t, f, 2*time.Minute)
	log, err := failAndContain(s.ctx, t, s.cluster, f, "secure-fail", f.Entries[1], f.Entries[4])
	if err != nil {
		t.Fatal(err, context.Cause(s.ctx))
	}
	r, err := controlForReply(s.ctx, s.cluster, "secure-fail", runs.ActionRetry)
	if err != nil || r.Refused {
		t.Fatalf("retry answered %+v, %v", r, err)
	}
	end, err := log.until(s.ctx, "completed", func(r runs.Record) bool { return r.State == runs.Completed })
	if err != nil || end.Retries != 1 {
		t.Fatalf("after the retry: %+v, %v (%v)", end, err, context.Cause(s.ctx))
	}
	if v := s.log.all(); len(v) > 0 {
		t.Fatalf("the server reported %d permission violations:\n%v", len(v), v)
	}
}
