package runstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// ErrPurgeRaced says a run record was not purged because it changed (or another process purged
// it) since it was read at the revision given.
var ErrPurgeRaced = errors.New("the run record changed since it was read")

// BucketCount is what one run has (or had, once purged) in one bucket: its keys, and the
// stream messages behind them (every revision a key's history keeps, markers included).
type BucketCount struct {
	Bucket   string `json:"bucket"`
	Keys     int    `json:"keys"`
	Messages uint64 `json:"messages"`
}

// runData is one bucket and the keys (or key filters) of a run's records in it.
type runData struct {
	bucket string
	keys   []string
}

// dataOf lists where a run's records live, the run record aside, in the order they are purged.
// The plans bucket comes first (the plan, its parts, a restore's document and its parts): a
// retry or resume that reaches the run after that is refused ("never finished planning")
// instead of reopening a run whose operation records are going. Run ids hold no '.', so the
// filter `<run_id>.>` matches this run's keys and no other run's.
func (s *Store) dataOf(runID string) []runData {
	return []runData{
		{s.Names.PlansBucket(), []string{runID, runID + ".>"}},
		{s.Names.OpsBucket(), []string{runID + ".>"}},
		{s.Names.ArtifactsBucket(), []string{runID + ".>"}},
	}
}

// CountRun counts a run's records in every bucket, touching nothing: its plan, operation,
// barrier and artifact records, then its run record.
func (s *Store) CountRun(ctx context.Context, runID string) ([]BucketCount, error) {
	counts, err := s.eachData(ctx, runID, false)
	if err != nil {
		return nil, err
	}
	rec, err := s.countKeys(ctx, s.Names.RunsBucket(), runID)
	return append(counts, rec), err
}

// PurgeRunData removes every record of a run but its run record, with all their history and
// leaving no marker behind: the plan (and its parts, and a restore's document), the operation
// and barrier records, the artifact records. It is the first step of a purge; the run record,
// which says what to purge, goes last (PurgeRunRecord), so that a purge cut short is finished
// by the next one. Repeating it is harmless. It returns what it removed, bucket by bucket.
func (s *Store) PurgeRunData(ctx context.Context, runID string) ([]BucketCount, error) {
	return s.eachData(ctx, runID, true)
}

func (s *Store) eachData(ctx context.Context, runID string, purge bool) ([]BucketCount, error) {
	if !runs.IDPattern.MatchString(runID) {
		return nil, fmt.Errorf("purging records: invalid run id %q", runID)
	}
	var out []BucketCount
	for _, d := range s.dataOf(runID) {
		total := BucketCount{Bucket: d.bucket}
		for _, key := range d.keys {
			c, err := s.countKeys(ctx, d.bucket, key)
			if err == nil && purge && c.Messages > 0 {
				err = s.purgeSubject(ctx, d.bucket, key, 0)
			}
			if err != nil {
				return out, err
			}
			total.Keys += c.Keys
			total.Messages += c.Messages
		}
		out = append(out, total)
	}
	return out, nil
}

// PurgeRunRecord removes a run's record, if it is still at revision rev: a KV purge on that
// revision (ErrPurgeRaced when the record changed or another process purged it first, so that
// exactly one purger counts the run), then the purge marker it left. It returns what it removed:
// the record's key and its revisions.
func (s *Store) PurgeRunRecord(ctx context.Context, runID string, rev uint64) (BucketCount, error) {
	if !runs.IDPattern.MatchString(runID) {
		return BucketCount{}, fmt.Errorf("purging records: invalid run id %q", runID)
	}
	c, err := s.countKeys(ctx, s.Names.RunsBucket(), runID)
	if err != nil {
		return c, err
	}
	err = s.Runs.KV.Purge(ctx, runID, jetstream.LastRevision(rev))
	if errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return BucketCount{}, fmt.Errorf("run %s at revision %d: %w", runID, rev, ErrPurgeRaced)
	}
	if err != nil {
		return BucketCount{}, fmt.Errorf("purging run record %s: %w", runID, err)
	}
	// The run is purged now, and counted by this caller. Should removing its marker fail, the
	// next pass finds the marker while listing the runs bucket and removes it (RunListing.Markers).
	_, _ = s.DropRunMarker(ctx, runID)
	return c, nil
}

// bucketStream is the stream behind a bucket.
func (s *Store) bucketStream(ctx context.Context, bucket string) (jetstream.Stream, error) {
	st, err := s.JS.Stream(ctx, "KV_"+bucket)
	if err != nil {
		return nil, fmt.Errorf("reading stream of bucket %s: %w", bucket, err)
	}
	return st, nil
}

// kvSubject is the stream subject of a key (or key filter) of a bucket.
func kvSubject(bucket, key string) string { return "$KV." + bucket + "." + key }

// countKeys counts the keys matching key (a key or a filter) and their messages, from the
// stream's per-subject state: the server answers from its subject index, not by reading the
// bucket.
func (s *Store) countKeys(ctx context.Context, bucket, key string) (BucketCount, error) {
	c := BucketCount{Bucket: bucket}
	st, err := s.bucketStream(ctx, bucket)
	if err != nil {
		return c, err
	}
	info, err := st.Info(ctx, jetstream.WithSubjectFilter(kvSubject(bucket, key)))
	if err != nil {
		return c, fmt.Errorf("counting %s in %s: %w", key, bucket, err)
	}
	for _, n := range info.State.Subjects {
		c.Keys++
		c.Messages += n
	}
	return c, nil
}

// purgeSubject removes every message of the keys matching key from the bucket's stream, or,
// when below is not 0, only those below that sequence (a later value survives).
func (s *Store) purgeSubject(ctx context.Context, bucket, key string, below uint64) error {
	st, err := s.bucketStream(ctx, bucket)
	if err != nil {
		return err
	}
	opts := []jetstream.StreamPurgeOpt{jetstream.WithPurgeSubject(kvSubject(bucket, key))}
	if below > 0 {
		opts = append(opts, jetstream.WithPurgeSequence(below))
	}
	if err := st.Purge(ctx, opts...); err != nil {
		return fmt.Errorf("purging %s from %s: %w", key, bucket, err)
	}
	return nil
}
