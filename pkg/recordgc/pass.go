package recordgc

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Options tune one pass.
type Options struct {
	// Now is the time ages are measured at; the zero value means time.Now().
	Now time.Time
	// DryRun counts what would be purged and purges nothing.
	DryRun bool
}

// Purged is one run whose records a pass purged (or, in a dry run, would purge).
type Purged struct {
	RunID     string `json:"run_id"`
	Kind      string `json:"kind"`
	State     string `json:"state"`
	UpdatedAt string `json:"updated_at"`
	// Buckets is what the run had in each bucket: plans, operations, artifacts, then runs.
	Buckets []runstore.BucketCount `json:"buckets"`
	// Keys and Messages are the totals over Buckets.
	Keys     int    `json:"keys"`
	Messages uint64 `json:"messages"`
}

// Report is what one pass did.
type Report struct {
	DryRun bool     `json:"dry_run"`
	Purged []Purged `json:"purged"`
	// Keys and Messages are the totals over Purged.
	Keys     int    `json:"keys"`
	Messages uint64 `json:"messages"`
	// Kept counts the runs kept, by reason (the Keep* constants).
	Kept map[string]int `json:"kept"`
	// Raced counts the runs another process purged, or that changed, while this pass worked on
	// them: they are not in Purged (the run is counted by whoever purged its run record).
	Raced int `json:"raced"`
	// Markers counts the markers of purged run records this pass removed (left by a purge
	// that was cut short).
	Markers int `json:"markers"`
	// Undecodable lists keys of the runs bucket that hold no run record; they are left alone.
	Undecodable []string `json:"undecodable,omitempty"`
}

// Pass purges, once, the records of every run that p says to purge, oldest first: for each, its
// plan, operation, barrier and artifact records, then its run record, which goes only if it is
// still at the revision decided on (otherwise the run is counted in Raced). A run that cannot be
// purged does not stop the pass; the errors are returned joined, with the report of the rest.
// Passes are idempotent: several may run at once, and a pass finishes what a pass cut short left.
func Pass(ctx context.Context, store *runstore.Store, p Policy, o Options) (Report, error) {
	rep := Report{DryRun: o.DryRun, Purged: []Purged{}, Kept: map[string]int{}}
	if err := p.Validate(); err != nil {
		return rep, err
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	l, err := store.RunRecords(ctx)
	if err != nil {
		return rep, err
	}
	rep.Undecodable = l.Undecodable
	var errs []error
	if !o.DryRun {
		rep.Markers, errs = dropMarkers(ctx, store, l.Markers)
	}
	slices.SortFunc(l.Runs, func(a, b kvstore.Entry[runs.Record]) int {
		return cmp.Or(cmp.Compare(a.Value.UpdatedAt, b.Value.UpdatedAt), cmp.Compare(a.Key, b.Key))
	})
	for _, e := range l.Runs {
		if v := p.Decide(e.Value, o.Now); !v.Purge {
			rep.Kept[v.Reason]++
			continue
		}
		if err := purgeRun(ctx, store, p, o, e.Key, &rep); err != nil {
			errs = append(errs, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return rep, errors.Join(append(errs, ctx.Err())...)
}

func dropMarkers(ctx context.Context, store *runstore.Store, keys []string) (int, []error) {
	n := 0
	var errs []error
	for _, key := range keys {
		dropped, err := store.DropRunMarker(ctx, key)
		if err != nil {
			errs = append(errs, err)
		}
		if dropped {
			n++
		}
	}
	return n, errs
}

// purgeRun reads the run record again and decides on the fresh value, then purges the run (or
// counts it, in a dry run) and adds it to rep.
func purgeRun(ctx context.Context, store *runstore.Store, p Policy, o Options, runID string, rep *Report) error {
	cur, err := store.Runs.Get(ctx, runID)
	if errors.Is(err, runstore.ErrNotFound) {
		rep.Raced++ // purged by another process since the listing
		return nil
	}
	if err != nil {
		return err
	}
	if v := p.Decide(cur.Value, o.Now); !v.Purge {
		rep.Kept[v.Reason]++
		return nil
	}
	var counts []runstore.BucketCount
	if o.DryRun {
		counts, err = store.CountRun(ctx, runID)
	} else {
		counts, err = purgeSteps(ctx, store, runID, cur.Revision)
	}
	if errors.Is(err, runstore.ErrPurgeRaced) {
		rep.Raced++
		return nil
	}
	if err != nil {
		return fmt.Errorf("purging the records of run %s: %w", runID, err)
	}
	r := Purged{RunID: runID, Kind: cur.Value.Kind, State: string(cur.Value.State), UpdatedAt: cur.Value.UpdatedAt, Buckets: counts}
	for _, c := range counts {
		r.Keys += c.Keys
		r.Messages += c.Messages
	}
	rep.Purged = append(rep.Purged, r)
	rep.Keys += r.Keys
	rep.Messages += r.Messages
	return nil
}

// purgeSteps purges a run's data, then its run record at revision rev.
func purgeSteps(ctx context.Context, store *runstore.Store, runID string, rev uint64) ([]runstore.BucketCount, error) {
	counts, err := store.PurgeRunData(ctx, runID)
	if err != nil {
		return nil, err
	}
	rec, err := store.PurgeRunRecord(ctx, runID, rev)
	if err != nil {
		return nil, err
	}
	return append(counts, rec), nil
}
