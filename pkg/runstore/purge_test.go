package runstore

import (
	"context"
	"errors"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// purgeStore is a store on a fresh installation.
func purgeStore(t *testing.T) *Store {
	t.Helper()
	js, names := bustest.Installation(t)
	s, err := OpenStore(context.Background(), js, names)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// seedRun writes every kind of record a run leaves: a run record (3 revisions), a plan with
// two parts, a restore document, operation records (one with 2 revisions), barrier records and
// artifact records. It returns the run record's revision.
func seedRun(t *testing.T, s *Store, runID string) uint64 {
	t.Helper()
	ctx := context.Background()
	put := func(kv interface {
		Put(context.Context, string, []byte) (uint64, error)
	}, key, value string) uint64 {
		rev, err := kv.Put(ctx, key, []byte(value))
		if err != nil {
			t.Fatal(err)
		}
		return rev
	}
	for _, key := range []string{runID, partKey(runID, 1), partKey(runID, 2), RestoreKey(runID)} {
		put(s.Plans, key, `{"x":1}`)
	}
	for _, key := range []string{OpKey(runID, 0), OpKey(runID, 1), OpKey(runID, 1),
		BarrierKey(runID, "stopped"), BarrierShardKey(runID, "stopped", 0)} {
		put(s.Ops.KV, key, `{"run_id":"`+runID+`"}`)
	}
	put(s.Artifacts.KV, ArtifactKey(runID, "aaaaa-aa"), `{}`)
	var rev uint64
	for _, state := range []runs.State{runs.Running, runs.Running, runs.Completed} {
		rev = put(s.Runs.KV, runID, `{"run_id":"`+runID+`","state":"`+string(state)+`"}`)
	}
	return rev
}

func wantCounts(t *testing.T, what string, got []BucketCount, keys []int, msgs []uint64) {
	t.Helper()
	for i, c := range got {
		if c.Keys != keys[i] || c.Messages != msgs[i] {
			t.Errorf("%s: %s has %d keys, %d messages; want %d, %d", what, c.Bucket, c.Keys, c.Messages, keys[i], msgs[i])
		}
	}
	if len(got) != len(keys) {
		t.Errorf("%s: %d buckets, want %d", what, len(got), len(keys))
	}
}

// A run's records are counted and purged with their history and no marker, and nothing of
// another run whose id starts with the same characters is touched.
func TestPurgeRunRemovesEveryRecordAndNoOther(t *testing.T) {
	s := purgeStore(t)
	ctx := context.Background()
	rev := seedRun(t, s, "r1")
	seedRun(t, s, "r10")
	before, _ := s.BucketSizes(ctx)
	counts, err := s.CountRun(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, "count", counts, []int{4, 4, 1, 1}, []uint64{4, 5, 1, 3})
	data, err := s.PurgeRunData(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, "purged data", data, []int{4, 4, 1}, []uint64{4, 5, 1})
	if _, err := s.PurgeRunRecord(ctx, "r1", rev-1); !errors.Is(err, ErrPurgeRaced) {
		t.Fatalf("purge at a stale revision: %v, want ErrPurgeRaced", err)
	}
	rec, err := s.PurgeRunRecord(ctx, "r1", rev)
	if err != nil || rec.Keys != 1 || rec.Messages != 3 {
		t.Fatalf("purging the run record: %+v, %v", rec, err)
	}
	if _, err := s.PurgeRunRecord(ctx, "r1", rev); !errors.Is(err, ErrPurgeRaced) {
		t.Fatalf("a second purge: %v, want ErrPurgeRaced", err)
	}
	left, _ := s.CountRun(ctx, "r1")
	wantCounts(t, "after purge", left, []int{0, 0, 0, 0}, []uint64{0, 0, 0, 0})
	other, _ := s.CountRun(ctx, "r10")
	wantCounts(t, "other run", other, []int{4, 4, 1, 1}, []uint64{4, 5, 1, 3})
	after, _ := s.BucketSizes(ctx)
	for i, b := range after {
		if 2*b.Keys != before[i].Keys || 2*b.Messages != before[i].Messages {
			t.Errorf("%s: %+v after the purge, %+v before: want half", b.Bucket, b, before[i])
		}
	}
	if _, err := s.PurgeRunData(ctx, "r1"); err != nil {
		t.Fatalf("repeating the purge: %v", err)
	}
}

// A purge cut short after the run record's KV purge leaves a marker: the listing names it and
// DropRunMarker removes it; a live record is never dropped.
func TestRunRecordsAndDropRunMarker(t *testing.T) {
	s := purgeStore(t)
	ctx := context.Background()
	seedRun(t, s, "live")
	seedRun(t, s, "gone")
	if _, err := s.Runs.KV.Put(ctx, "junk", []byte("not json")); err != nil {
		t.Fatal(err)
	}
	if err := s.Runs.KV.Purge(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	l, err := s.RunRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Runs) != 1 || l.Runs[0].Key != "live" || l.Runs[0].Value.State != runs.Completed ||
		len(l.Markers) != 1 || l.Markers[0] != "gone" || len(l.Undecodable) != 1 || l.Undecodable[0] != "junk" {
		t.Fatalf("listing = %+v", l)
	}
	if dropped, err := s.DropRunMarker(ctx, "live"); dropped || err != nil {
		t.Fatalf("dropping a live record: %v, %v", dropped, err)
	}
	if dropped, err := s.DropRunMarker(ctx, "gone"); !dropped || err != nil {
		t.Fatalf("dropping the marker: %v, %v", dropped, err)
	}
	if dropped, err := s.DropRunMarker(ctx, "gone"); dropped || err != nil {
		t.Fatalf("dropping it again: %v, %v", dropped, err)
	}
	if c, _ := s.countKeys(ctx, s.Names.RunsBucket(), "gone"); c.Messages != 0 {
		t.Fatalf("the marker is still there: %+v", c)
	}
	if _, err := s.Run(ctx, "live"); err != nil {
		t.Fatalf("the live record: %v", err)
	}
}

// An id that is not a run id (it could be a wildcard, or match another run's keys) is refused.
func TestPurgeRefusesInvalidRunIDs(t *testing.T) {
	s := purgeStore(t)
	ctx := context.Background()
	for _, id := range []string{"", "a.b", "*", ">", "a.>"} {
		if _, err := s.PurgeRunData(ctx, id); err == nil {
			t.Errorf("PurgeRunData(%q) accepted", id)
		}
		if _, err := s.PurgeRunRecord(ctx, id, 1); err == nil {
			t.Errorf("PurgeRunRecord(%q) accepted", id)
		}
		if _, err := s.DropRunMarker(ctx, id); err == nil {
			t.Errorf("DropRunMarker(%q) accepted", id)
		}
	}
}
