package recordgc

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Run purges what p says at once, then every p.Interval until ctx ends (Loop.Run). Give it
// the planner's store and logger; it is safe in every planner instance at once.
func Run(ctx context.Context, store *runstore.Store, p Policy, log *slog.Logger) {
	(&Loop{Store: store, Policy: p, Log: log}).Run(ctx)
}

// Loop is the periodic purge of one process.
type Loop struct {
	Store  *runstore.Store
	Policy Policy
	// Log gets a line per purged run, one per pass that purged something, and failures; a
	// discarding logger when nil.
	Log *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// wait replaces waiting for the next pass (tests); it reports false once ctx ended.
	wait func(ctx context.Context, d time.Duration) bool
	// passed is told every pass's outcome (tests).
	passed func(Report, error)
}

// Run passes at once, then every interval give or take a tenth (so that planners started
// together drift apart), until ctx ends. A policy that purges nothing returns at once.
func (l *Loop) Run(ctx context.Context) {
	log := l.logger()
	if err := l.Policy.Validate(); err != nil {
		log.Error("record retention not started", "err", err)
		return
	}
	if !l.Policy.Enabled() {
		log.Info("record retention is off")
		return
	}
	if short := min(nonZero(l.Policy.Age), nonZero(l.Policy.FailedAge)); short < MinLoopAge {
		log.Error("record retention not started", "err", fmt.Sprintf("an age of %s is below the minimum of %s", short, MinLoopAge))
		return
	}
	log.Info("record retention on", "age", l.Policy.Age, "failed_age", l.Policy.FailedAge, "interval", l.Policy.interval())
	for {
		l.once(ctx)
		if !l.next(ctx, jitter(l.Policy.interval())) {
			return
		}
	}
}

// once runs one pass and logs it.
func (l *Loop) once(ctx context.Context) {
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	rep, err := Pass(ctx, l.Store, l.Policy, Options{Now: now()})
	log := l.logger()
	for _, r := range rep.Purged {
		log.Info("purged the records of a finished run", "run_id", r.RunID, "kind", r.Kind, "state", r.State,
			"updated_at", r.UpdatedAt, "keys", r.Keys, "messages", r.Messages)
	}
	kept := 0
	for _, n := range rep.Kept {
		kept += n
	}
	level := slog.LevelDebug
	if len(rep.Purged) > 0 || rep.Markers > 0 {
		level = slog.LevelInfo
	}
	log.Log(ctx, level, "record retention pass", "purged_runs", len(rep.Purged), "keys", rep.Keys,
		"messages", rep.Messages, "kept_runs", kept, "raced", rep.Raced, "markers", rep.Markers)
	if len(rep.Undecodable) > 0 {
		log.Warn("runs bucket keys that hold no run record (left alone)", "keys", rep.Undecodable)
	}
	if err != nil && ctx.Err() == nil {
		log.Warn("record retention pass", "err", err)
	}
	if l.passed != nil {
		l.passed(rep, err)
	}
}

func (l *Loop) next(ctx context.Context, d time.Duration) bool {
	if l.wait != nil {
		return l.wait(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func (l *Loop) logger() *slog.Logger {
	if l.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l.Log
}

// nonZero is d, or the longest duration when d is zero (an age that purges nothing).
func nonZero(d time.Duration) time.Duration {
	if d == 0 {
		return math.MaxInt64
	}
	return d
}

// jitter is d give or take a tenth.
func jitter(d time.Duration) time.Duration {
	return d - d/10 + time.Duration(rand.Int64N(int64(d/5)+1))
}
