package worker

import (
	"errors"
	"io/fs"
	"log/slog"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

func TestBackoff(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		delivery      uint64
		base, ceiling time.Duration
		want          time.Duration
	}{
		{0, 0, 0, 100 * ms}, // unknown delivery count: as the first
		{1, 0, 0, 100 * ms},
		{2, 0, 0, 200 * ms},
		{3, 0, 0, 400 * ms},
		{8, 0, 0, 12800 * ms},
		{9, 0, 0, 15 * time.Second}, // 25.6 s, capped
		{100, 0, 0, 15 * time.Second},
		{1 << 63, 0, 0, 15 * time.Second},
		{1, ms, 5 * ms, ms},
		{3, ms, 5 * ms, 4 * ms},
		{4, ms, 5 * ms, 5 * ms},
		{1, time.Second, ms, ms},                  // a ceiling below the base wins
		{70, time.Hour, 1<<63 - 1, 1<<63 - 1},     // doubling never overflows
		{40, time.Nanosecond, 1<<63 - 1, 1 << 39}, // exact powers below the ceiling
	} {
		if got := Backoff(tc.delivery, tc.base, tc.ceiling); got != tc.want {
			t.Errorf("Backoff(%d, %s, %s) = %s, want %s", tc.delivery, tc.base, tc.ceiling, got, tc.want)
		}
	}
}

// TestDefaultGiveUpBudget holds bus.DefaultMaxDeliver's promise: with the default backoff, a
// message that always asks for a retry is given up only after at least 15 minutes.
func TestDefaultGiveUpBudget(t *testing.T) {
	var total time.Duration
	for n := uint64(1); n < bus.DefaultMaxDeliver; n++ {
		total += Backoff(n, 0, 0)
	}
	if total < 15*time.Minute {
		t.Errorf("backoff before giving up = %s, want at least 15m", total)
	}
	t.Logf("backoff before giving up: %s over %d deliveries", total, bus.DefaultMaxDeliver)
}

func TestHandBackDelay(t *testing.T) {
	cfg := Config{MaxDeliver: 10, BackoffBase: 100 * time.Millisecond, BackoffMax: time.Second}
	for _, tc := range []struct {
		n    uint64
		hint time.Duration
		want time.Duration
	}{
		{1, 0, 100 * time.Millisecond},
		{1, 30 * time.Second, 30 * time.Second}, // the hint is a minimum: a lease still held
		{4, 500 * time.Millisecond, 800 * time.Millisecond},
		{9, 0, time.Second},
	} {
		d := delivery{n: tc.n, cfg: cfg}
		if got := d.delay(tc.hint); got != tc.want {
			t.Errorf("delivery %d, hint %s: delay %s, want %s", tc.n, tc.hint, got, tc.want)
		}
	}
}

func TestHandBackLevel(t *testing.T) {
	for _, tc := range []struct {
		n, max int
		want   slog.Level
	}{
		{1, 100, slog.LevelDebug},
		{2, 100, slog.LevelDebug},
		{3, 100, slog.LevelInfo},
		{74, 100, slog.LevelInfo},
		{75, 100, slog.LevelWarn},
		{99, 100, slog.LevelWarn},
		{2, 4, slog.LevelDebug},
		{3, 4, slog.LevelWarn},
	} {
		d := delivery{n: uint64(tc.n), cfg: Config{MaxDeliver: tc.max}}
		if got := d.handBackLevel(); got != tc.want {
			t.Errorf("delivery %d of %d: level %s, want %s", tc.n, tc.max, got, tc.want)
		}
	}
}

func TestReject(t *testing.T) {
	err := Reject(fs.ErrNotExist)
	var r *Rejected
	if !errors.As(err, &r) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Reject(ErrNotExist) = %#v: not a *Rejected wrapping its reason", err)
	}
	if err.Error() != "rejected: file does not exist" {
		t.Errorf("Error() = %q", err)
	}
	if err := Reject(nil); !errors.As(err, &r) || err.Error() == "" {
		t.Errorf("Reject(nil) = %v, want a *Rejected with a reason", err)
	}
}
