package embedded_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim/simcheck"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/nats-io/nats.go/jetstream"
)

func requestWith(t *testing.T, f *embeddedtest.Fleet, runID, onConflict string) []byte {
	return embeddedtest.Request(t, map[string]any{
		"run_id": runID, "fleet": "demo", "network": "local", "root_canister_id": f.Root,
		"scope": "subtree", "selector": f.Entries[1].Pid, "on_conflict": onConflict,
	})
}

// A run over canisters another run holds is rejected naming the holder (on_conflict reject)
// or queued until the holder settles (on_conflict wait); both touch nothing meanwhile, and
// every lock is free at the end.
func TestOverlappingRunRejectedOrQueued(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	slow := f.Slow(t, 1024, map[string]time.Duration{"snapshot": 200 * time.Millisecond})
	st := embeddedtest.Start(t, f, embedded.Config{Exec: slow, Env: fastRetries})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := client.Submit(ctx, st.Store, requestWith(t, f, "holder", "reject"), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := client.WatchRun(ctx, st.Store, "holder", func(r runs.Record) bool { return r.State == runs.Running }); err != nil {
		t.Fatal(err)
	}
	rejected := st.RunToEnd(t, "second", requestWith(t, f, "second", "reject"))
	if rejected.State != runs.Rejected || !strings.Contains(deref(rejected.Error), "held by run holder") {
		t.Fatalf("overlapping run = %s %q, want rejected naming the holder", rejected.State, deref(rejected.Error))
	}
	if err := client.Submit(ctx, st.Store, requestWith(t, f, "waiter", "wait"), ""); err != nil {
		t.Fatal(err)
	}
	queued, err := client.WatchRun(ctx, st.Store, "waiter", func(r runs.Record) bool { return r.State == runs.Queued })
	if err != nil || queued.WaitingFor != "holder" {
		t.Fatalf("waiter = %+v, %v; want queued behind holder", queued, err)
	}
	for _, id := range []string{"holder", "waiter"} {
		rec, err := client.WaitTerminal(ctx, st.Store, id)
		if err != nil || rec.State != runs.Completed {
			t.Fatalf("run %s = %s %q, %v", id, rec.State, deref(rec.Error), err)
		}
	}
	simcheck.CheckConsistentCuts(t, f.StateDir)
	checkLocksFree(t, st, "holder", "waiter", "second")
}

// Aborting a queued run ends it without touching anything; the holder is unaffected.
func TestAbortQueuedRun(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	slow := f.Slow(t, 1024, map[string]time.Duration{"snapshot": 200 * time.Millisecond})
	st := embeddedtest.Start(t, f, embedded.Config{Exec: slow, Env: fastRetries})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, id := range []string{"holder", "waiter"} {
		if err := client.Submit(ctx, st.Store, requestWith(t, f, id, "wait"), ""); err != nil {
			t.Fatal(err)
		}
		want := map[string]runs.State{"holder": runs.Running, "waiter": runs.Queued}[id]
		if _, err := client.WatchRun(ctx, st.Store, id, func(r runs.Record) bool { return r.State == want }); err != nil {
			t.Fatal(err)
		}
	}
	if err := client.SendControl(ctx, st.Store, "waiter", runs.ActionAbort); err != nil {
		t.Fatal(err)
	}
	waiter, err := client.WaitTerminal(ctx, st.Store, "waiter")
	if err != nil || waiter.State != runs.Aborted || waiter.Containment != nil || waiter.LocksHeld {
		t.Fatalf("aborted queued run = %+v, %v", waiter, err)
	}
	holder, err := client.WaitTerminal(ctx, st.Store, "holder")
	if err != nil || holder.State != runs.Completed {
		t.Fatalf("holder = %s, %v", holder.State, err)
	}
	checkLocksFree(t, st, "holder", "waiter")
}

// checkLocksFree waits until the runs have released their locks, then asserts that no
// canister lock names a run.
func checkLocksFree(t *testing.T, st *embeddedtest.Stack, runIDs ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, id := range runIDs {
		if _, err := client.WatchRun(ctx, st.Store, id, func(r runs.Record) bool { return r.Settled() && !r.LocksHeld }); err != nil {
			t.Fatalf("run %s never released its locks: %v", id, err)
		}
	}
	lister, err := st.Store.Locks.KV.ListKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for key := range lister.Keys() {
		n++
		l, err := st.Store.Locks.Get(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if l.Value.RunID != "" {
			t.Errorf("canister %s still locked by %s", key, l.Value.RunID)
		}
	}
	if n == 0 {
		t.Fatal("no lock records: the runs never locked their canisters")
	}
}

// A queued run polls with one admit message: waiting does not multiply messages.
func TestQueuedRunPollsWithOneMessage(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	slow := f.Slow(t, 1024, map[string]time.Duration{"snapshot": 2 * time.Second})
	st := embeddedtest.Start(t, f, embedded.Config{Exec: slow, Env: fastRetries})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, id := range []string{"holder", "waiter"} {
		if err := client.Submit(ctx, st.Store, requestWith(t, f, id, "wait"), ""); err != nil {
			t.Fatal(err)
		}
		if _, err := client.WatchRun(ctx, st.Store, id, func(r runs.Record) bool { return r.State != runs.Planning && r.State != runs.Preflight }); err != nil {
			t.Fatal(err)
		}
	}
	// Three more lock attempts while queued: three deliveries of the admit message.
	if _, err := client.WatchRun(ctx, st.Store, "waiter", func(r runs.Record) bool { return r.LockEpoch >= 4 || r.State != runs.Queued }); err != nil {
		t.Fatal(err)
	}
	stream, err := st.Store.JS.Stream(ctx, st.Names.RequestStream())
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(ctx, jetstream.WithSubjectFilter(st.Names.InternalSubject("waiter")))
	if err != nil {
		t.Fatal(err)
	}
	if n := info.State.Subjects[st.Names.InternalSubject("waiter")]; n > 1 {
		t.Fatalf("%d admit messages for one queued run, want at most 1", n)
	}
	if rec, err := client.WaitTerminal(ctx, st.Store, "waiter"); err != nil || rec.State != runs.Completed {
		t.Fatalf("waiter = %s, %v", rec.State, err)
	}
}
