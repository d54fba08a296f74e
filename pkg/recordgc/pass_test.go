package recordgc

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

func testStore(t *testing.T) *runstore.Store {
	t.Helper()
	js, names := bustest.Installation(t)
	s, err := runstore.OpenStore(context.Background(), js, names)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// seed writes r as run r.RunID with a plan, three operation records, a barrier and an artifact
// record: six keys, seven messages (one operation changed once).
func seed(t *testing.T, s *runstore.Store, r runs.Record) {
	t.Helper()
	ctx := context.Background()
	id := r.RunID
	if _, err := s.Runs.Create(ctx, id, r); err != nil {
		t.Fatal(err)
	}
	puts := []struct {
		kv interface {
			Put(context.Context, string, []byte) (uint64, error)
		}
		key string
	}{{s.Plans, id}, {s.Ops.KV, runstore.OpKey(id, 0)}, {s.Ops.KV, runstore.OpKey(id, 1)},
		{s.Ops.KV, runstore.OpKey(id, 1)}, {s.Ops.KV, runstore.BarrierKey(id, "stopped")},
		{s.Artifacts.KV, runstore.ArtifactKey(id, "aaaaa-aa")}}
	for _, p := range puts {
		if _, err := p.kv.Put(ctx, p.key, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
}

func named(id string, state runs.State, ago time.Duration) runs.Record {
	r := rec(state, ago)
	r.RunID = id
	return r
}

func purgedIDs(rep Report) []string {
	var ids []string
	for _, p := range rep.Purged {
		ids = append(ids, p.RunID)
	}
	slices.Sort(ids)
	return ids
}

func mustExist(t *testing.T, s *runstore.Store, ids ...string) {
	t.Helper()
	for _, id := range ids {
		c, err := s.CountRun(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range c {
			if b.Keys == 0 {
				t.Errorf("run %s lost its records in %s", id, b.Bucket)
			}
		}
	}
}

// A pass purges exactly the settled, old runs the policy names, with every record; a dry run
// reports the same and purges nothing; a second pass finds nothing more.
func TestPassPurgesWhatThePolicySays(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	week := 168 * time.Hour
	unsettled := named("unsettled", runs.Failed, 2*week)
	unsettled.RestartRequired = true
	for _, r := range []runs.Record{named("old-done", runs.Completed, 2*week), named("old-aborted", runs.Aborted, 2*week),
		named("new-done", runs.Completed, time.Hour), named("running", runs.Running, 2*week),
		named("old-failed", runs.Failed, 2*week), unsettled} {
		seed(t, s, r)
	}
	p := Policy{Age: week}
	dry, err := Pass(ctx, s, p, Options{Now: testNow, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	mustExist(t, s, "old-done", "old-aborted")
	rep, err := Pass(ctx, s, p, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"old-aborted", "old-done"}
	if !slices.Equal(purgedIDs(dry), want) || !slices.Equal(purgedIDs(rep), want) || rep.Keys != 12 || rep.Messages != 14 || dry.Keys != 12 {
		t.Fatalf("dry run %+v\npass %+v\nwant %v purged, 12 keys, 14 messages", dry, rep, want)
	}
	if rep.Kept[KeepRecent] != 1 || rep.Kept[KeepNotFinished] != 1 || rep.Kept[KeepFailed] != 1 || rep.Kept[KeepUnsettled] != 1 {
		t.Fatalf("kept %v", rep.Kept)
	}
	mustExist(t, s, "new-done", "running", "old-failed", "unsettled")
	for _, id := range want {
		if c, _ := s.CountRun(ctx, id); slices.ContainsFunc(c, func(b runstore.BucketCount) bool { return b.Messages > 0 }) {
			t.Errorf("run %s left %+v", id, c)
		}
	}
	withFailed, err := Pass(ctx, s, Policy{Age: week, FailedAge: week}, Options{Now: testNow})
	if err != nil || !slices.Equal(purgedIDs(withFailed), []string{"old-failed"}) {
		t.Fatalf("with a failed age: %+v, %v", withFailed, err)
	}
}

// A purge cut short after the data (the run record still says what to purge), or after the
// run record's KV purge (its marker left), is finished by the next pass.
func TestPassFinishesAPurgeCutShort(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	seed(t, s, named("cut", runs.Completed, 1000*time.Hour))
	seed(t, s, named("marked", runs.Completed, 1000*time.Hour))
	if _, err := s.PurgeRunData(ctx, "cut"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PurgeRunData(ctx, "marked"); err != nil {
		t.Fatal(err)
	}
	if err := s.Runs.KV.Purge(ctx, "marked"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(ctx, "cut"); err != nil {
		t.Fatalf("the run record went with the data: %v", err)
	}
	rep, err := Pass(ctx, s, Policy{Age: time.Hour}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(purgedIDs(rep), []string{"cut"}) || rep.Keys != 1 || rep.Markers != 1 {
		t.Fatalf("pass %+v: want cut purged (its run record only) and one marker removed", rep)
	}
	sizes, _ := s.BucketSizes(ctx)
	for _, b := range sizes {
		if b.Keys != 0 || b.Messages != 0 {
			t.Errorf("bucket %s left %+v", b.Bucket, b)
		}
	}
}

// Passes in several processes at once purge every run once: each purged run is reported by
// exactly one of them, and nothing is left.
func TestConcurrentPassesCountEachRunOnce(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	var ids []string
	for i := range 24 {
		id := "c" + string(rune('a'+i))
		ids = append(ids, id)
		seed(t, s, named(id, runs.Completed, 1000*time.Hour))
	}
	reps := make([]Report, 3)
	var wg sync.WaitGroup
	for i := range reps {
		wg.Go(func() {
			var err error
			if reps[i], err = Pass(ctx, s, Policy{Age: time.Hour}, Options{Now: testNow}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var all []string
	keys := 0
	for _, r := range reps {
		all = append(all, purgedIDs(r)...)
		keys += r.Keys
	}
	slices.Sort(all)
	if !slices.Equal(all, ids) || keys > 24*6 {
		t.Fatalf("purged %v (%d keys), want each of %v once (at most %d keys)", all, keys, ids, 24*6)
	}
	sizes, _ := s.BucketSizes(ctx)
	for _, b := range sizes {
		if b.Messages != 0 {
			t.Errorf("bucket %s left %+v", b.Bucket, b)
		}
	}
}
