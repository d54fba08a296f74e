package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/reply"
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

// submitForReply publishes body on subject with the planner's reply header, and returns the
// planner's answer.
func submitForReply(ctx context.Context, c *cluster, subject string, body []byte) (reply.Reply, error) {
	nc := c.store.JS.Conn()
	inbox := nc.NewInbox()
	sub, err := nc.SubscribeSync(inbox)
	if err != nil {
		return reply.Reply{}, err
	}
	defer func() { _ = sub.Unsubscribe() }()
	msg := nats.NewMsg(subject)
	msg.Data = body
	msg.Header.Set(reply.Header, inbox)
	if _, err := c.store.JS.PublishMsg(ctx, msg); err != nil {
		return reply.Reply{}, err
	}
	m, err := sub.NextMsgWithContext(ctx)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("waiting for the planner's answer on %s: %w", subject, err)
	}
	var r reply.Reply
	if err := json.Unmarshal(m.Data, &r); err != nil {
		return r, fmt.Errorf("decoding the planner's answer %q: %w", m.Data, err)
	}
	return r, nil
}

// controlForReply sends a control action for a run and returns the planner's answer.
func controlForReply(ctx context.Context, c *cluster, runID, action string) (reply.Reply, error) {
	body, _ := json.Marshal(runs.ControlMessage{Action: action})
	return submitForReply(ctx, c, c.store.Names.ControlSubject(runID), body)
}

// withField returns the JSON object body with one more top-level field.
func withField(t *testing.T, body []byte, key string, value any) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	m[key] = value
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// backlog is what the streams and consumers still hold: messages in each stream, and pending
// plus unacknowledged messages of each consumer.
func backlog(ctx context.Context, c *cluster) (map[string]uint64, error) {
	js, names := c.store.JS, c.store.Names
	out := map[string]uint64{}
	for _, name := range []string{names.RequestStream(), names.OpStream()} {
		s, err := js.Stream(ctx, name)
		if err != nil {
			return nil, err
		}
		info, err := s.Info(ctx)
		if err != nil {
			return nil, err
		}
		out["stream "+name] = info.State.Msgs
	}
	consumers := map[string]string{bus.ConsumerPlanner: names.RequestStream()}
	for name := range names.ConsumerSubjects() {
		consumers[name] = names.OpStream()
	}
	for name, stream := range consumers {
		cons, err := js.Consumer(ctx, stream, name)
		if err != nil {
			return nil, err
		}
		info, err := cons.Info(ctx)
		if err != nil {
			return nil, err
		}
		out["consumer "+name] = info.NumPending + uint64(info.NumAckPending)
	}
	return out, nil
}

// waitDrained polls, for at most limit, until the streams and consumers hold nothing, and
// returns the last backlog read; on timeout it fails the test with what is still there.
func waitDrained(t *testing.T, ctx context.Context, c *cluster, limit time.Duration, what string) map[string]uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var last map[string]uint64
	var lastErr error
	for {
		if b, err := backlog(ctx, c); err != nil {
			lastErr = err
		} else {
			last = b
			empty := true
			for _, n := range b {
				empty = empty && n == 0
			}
			if empty {
				return b
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("timed out after %s waiting for %s: still held %v (last error %v)", limit, what, last, lastErr)
		case <-tick.C:
		}
	}
}

// heldLocks returns the canister locks that name a run (canister key → run id).
func heldLocks(ctx context.Context, c *cluster) (map[string]string, error) {
	lister, err := c.store.Locks.KV.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = lister.Stop() }()
	held := map[string]string{}
	for key := range lister.Keys() {
		e, err := c.store.Locks.Get(ctx, key)
		if err != nil {
			return nil, err
		}
		if e.Value.RunID != "" {
			held[key] = fmt.Sprintf("%s (epoch %d, since %s)", e.Value.RunID, e.Value.Epoch, e.Value.Since)
		}
	}
	return held, ctx.Err() // a cancelled listing ends early: not a complete answer
}

// testCtx is a context bounded by d and by the test.
func testCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
