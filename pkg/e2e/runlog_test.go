package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// runLog records every version of one run record, from a KV watch opened (with the key's
// retained history) before the test acts on the run.
type runLog struct {
	runID    string
	mu       sync.Mutex
	versions []runs.Record
	revs     []uint64
	changed  chan struct{} // closed and replaced on every new version
	err      error
}

// recordRun starts recording the versions of runID; it stops when the test ends.
func recordRun(t *testing.T, c *cluster, runID string) *runLog {
	t.Helper()
	l, err := startRunLog(t, c, runID)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// startRunLog is recordRun for goroutines other than the test's: it returns the error.
func startRunLog(t *testing.T, c *cluster, runID string) (*runLog, error) {
	ctx, cancel := context.WithCancel(context.Background())
	w, err := c.store.Runs.KV.Watch(ctx, runID, jetstream.IncludeHistory())
	if err != nil {
		cancel()
		return nil, fmt.Errorf("watching run %s: %w", runID, err)
	}
	l := &runLog{runID: runID, changed: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case e, ok := <-w.Updates():
				if !ok {
					l.fail(client.ErrWatchClosed)
					return
				}
				if e == nil || e.Operation() != jetstream.KeyValuePut {
					continue
				}
				var r runs.Record
				if err := json.Unmarshal(e.Value(), &r); err != nil {
					l.fail(fmt.Errorf("decoding run %s: %w", runID, err))
					return
				}
				l.add(r, e.Revision())
			}
		}
	}()
	t.Cleanup(func() { _ = w.Stop(); cancel(); <-done })
	return l, nil
}

func (l *runLog) add(r runs.Record, rev uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.versions = append(l.versions, r)
	l.revs = append(l.revs, rev)
	close(l.changed)
	l.changed = make(chan struct{})
}

func (l *runLog) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.err = err
	close(l.changed)
	l.changed = make(chan struct{})
}

// all returns the versions recorded so far.
func (l *runLog) all() []runs.Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.versions)
}

// until waits for a recorded version for which cond holds and returns the first one.
func (l *runLog) until(ctx context.Context, what string, cond func(runs.Record) bool) (runs.Record, error) {
	for seen := 0; ; {
		l.mu.Lock()
		vs, ch, err := l.versions[seen:], l.changed, l.err
		seen = len(l.versions)
		l.mu.Unlock()
		for _, v := range vs {
			if cond(v) {
				return v, nil
			}
		}
		if err != nil {
			return runs.Record{}, err
		}
		select {
		case <-ctx.Done():
			return runs.Record{}, fmt.Errorf("run %s: waiting for %s: %w (states so far: %s)", l.runID, what, ctx.Err(), l.states())
		case <-ch:
		}
	}
}

// states is the sequence of states the run went through, repeats collapsed.
func (l *runLog) states() string {
	var out []string
	for _, v := range l.all() {
		if s := string(v.State); len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	return strings.Join(out, " → ")
}

// describe lists every recorded version briefly, for failure reports.
func (l *runLog) describe() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for i, v := range l.versions {
		cont := "-"
		if v.Containment != nil {
			cont = v.Containment.State
		}
		fmt.Fprintf(&b, "\n  rev %d: %s locks_held=%v epoch=%d retries=%d containment=%s restart_required=%v counts=%+v waiting_for=%q error=%q",
			l.revs[i], v.State, v.LocksHeld, v.LockEpoch, v.Retries, cont, v.RestartRequired, v.Counts, v.WaitingFor, deref(v.Error))
	}
	return b.String()
}

// settledEnd reports whether a run is terminal, holds no locks and restarts nothing any more.
func settledEnd(r runs.Record) bool {
	return r.Settled() && !r.LocksHeld
}
