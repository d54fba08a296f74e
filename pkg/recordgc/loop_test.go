package recordgc

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// lockedBuffer is a log destination safe for the loop's goroutine and the test's.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The loop passes at once, then each time its wait ends, logs a line per purged run, and
// returns when its context ends.
func TestLoopPassesUntilCancelled(t *testing.T) {
	s := testStore(t)
	seed(t, s, named("first", runs.Completed, 1000*time.Hour))
	var logs lockedBuffer
	reports := make(chan Report)
	waits := make(chan bool)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l := &Loop{Store: s, Policy: Policy{Age: time.Hour, Interval: time.Minute},
		Log: slog.New(slog.NewTextHandler(&logs, nil)), Now: func() time.Time { return testNow },
		passed: func(r Report, err error) {
			if err != nil {
				t.Error(err)
			}
			reports <- r
		},
		wait: func(ctx context.Context, d time.Duration) bool {
			if d < 54*time.Second || d > 66*time.Second {
				t.Errorf("waits %s for an interval of 1m", d)
			}
			return <-waits
		}}
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	if r := <-reports; !slices.Equal(purgedIDs(r), []string{"first"}) {
		t.Fatalf("first pass: %+v", r)
	}
	seed(t, s, named("second", runs.Aborted, 1000*time.Hour))
	waits <- true
	if r := <-reports; !slices.Equal(purgedIDs(r), []string{"second"}) {
		t.Fatalf("second pass: %+v", r)
	}
	waits <- false
	<-done
	out := logs.String()
	for _, want := range []string{"record retention on", "purged the records of a finished run", "run_id=first",
		"run_id=second", "state=aborted", "purged_runs=1"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
}

// A policy that purges nothing, or a bad one, does not start the loop.
func TestLoopOffReturnsAtOnce(t *testing.T) {
	for _, p := range []Policy{{}, {Age: -time.Hour}, {Age: time.Minute}, {Age: time.Hour, FailedAge: time.Minute}} {
		var logs lockedBuffer
		Run(context.Background(), nil, p, slog.New(slog.NewTextHandler(&logs, nil)))
		if !strings.Contains(logs.String(), "record retention") {
			t.Errorf("%+v: nothing logged", p)
		}
	}
}
