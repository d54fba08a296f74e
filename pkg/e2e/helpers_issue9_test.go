package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/reply"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

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
