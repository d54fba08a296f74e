package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/reply"
)

// A publisher cannot aim the planner's answer, sent with the planner's rights, at a subject the
// services consume: a malformed request whose reply header names the stop operations' subject
// is rejected without a word on that subject (the operations stream stays empty), while the
// same request asking on an inbox is answered there.
func TestPlannerAnswersOnlyOnInboxes(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{1, 2}), 1024)
	c := newCluster(t, f)
	c.start("planner")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	names := c.store.Names
	aimed := nats.NewMsg(names.RequestSubject())
	aimed.Data = []byte(`{"surprise": true}`)
	aimed.Header.Set(reply.Header, names.OpSubject(bus.OpStop))
	if _, err := c.store.JS.PublishMsg(ctx, aimed); err != nil {
		t.Fatal(err)
	}
	answer, err := submitForReply(ctx, c, names.RequestSubject(), []byte(`{"surprise": true}`))
	if err != nil {
		t.Fatal(err)
	}
	if answer.Error == "" {
		t.Fatalf("answer on the inbox = %+v, want the rejection", answer)
	}
	planner, err := c.store.JS.Consumer(ctx, names.RequestStream(), bus.ConsumerPlanner)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the planner to have handled both requests", func() bool {
		info, err := planner.Info(ctx)
		return err == nil && info.NumPending == 0 && info.NumAckPending == 0
	})
	ops, err := c.store.JS.Stream(ctx, names.OpStream())
	if err != nil {
		t.Fatal(err)
	}
	info, err := ops.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 0 {
		t.Fatalf("the operations stream holds %d messages: the planner answered on %s", info.State.Msgs, names.OpSubject(bus.OpStop))
	}
}
