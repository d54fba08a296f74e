package handoff

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// failingJS refuses to publish the dispatch message of one operation (a test double around the
// real server's JetStream, not a production hook).
type failingJS struct {
	jetstream.JetStream
	seq int
}

func (f failingJS) Publish(ctx context.Context, subject string, data []byte, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error) {
	var m Message
	if json.Unmarshal(data, &m) == nil && m.Sequence == f.seq {
		return nil, fmt.Errorf("publishing operation %d: refused by the test", f.seq)
	}
	return f.JetStream.Publish(ctx, subject, data, opts...)
}

// A wide fan-out that cannot pass completion on to one successor (its publish fails) returns
// that error and leaves the barrier not passed, so the next repeat of a predecessor passes it
// on again; then every snapshot is in the stream once (the repeat's messages for the others
// carry the same ids, which the stream drops).
func TestWideFanOutErrorKeepsBarrierUnpassed(t *testing.T) {
	f := wideFixture(t)
	var stops, snaps []int
	for seq, ph := range f.p.Phases {
		switch ph.Kind {
		case plan.KindStop:
			stops = append(stops, seq)
		case plan.KindCreateSnapshot:
			snaps = append(snaps, seq)
		}
	}
	victim := snaps[len(snaps)/2]
	real := f.store.JS
	f.store.JS = failingJS{JetStream: real, seq: victim}
	h := Publisher{Store: f.store}
	var err error
	for _, seq := range stops {
		if err = h.Propagate(t.Context(), runID, f.g, seq); err != nil {
			break
		}
	}
	if want := fmt.Sprintf("operation %d", victim); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("fan-out with a refused publish = %v, want an error naming %s", err, want)
	}
	if root := get(t, f.store.Barriers, stoppedKey); root.Passed {
		t.Fatal("the barrier is marked passed although one successor was not published")
	}
	f.store.JS = real
	must(t, h.Propagate(t.Context(), runID, f.g, stops[len(stops)-1]))
	if root := get(t, f.store.Barriers, stoppedKey); !root.Passed {
		t.Fatal("the repeat did not mark the barrier passed")
	}
	got, _ := f.published(t)
	count := map[int]int{}
	for _, seq := range got {
		count[seq]++
	}
	for _, seq := range snaps {
		if count[seq] != 1 {
			t.Errorf("snapshot %d published %d times, want once", seq, count[seq])
		}
	}
}
