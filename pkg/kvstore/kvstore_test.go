package kvstore

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
)

type counter struct {
	N int `json:"n"`
}

func testTable(t *testing.T) Table[counter] {
	t.Helper()
	kv, err := bustest.JetStream(t).CreateKeyValue(context.Background(), jetstream.KeyValueConfig{Bucket: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return Table[counter]{KV: kv, Stats: &Stats{}}
}

func TestCreateGetAndErrors(t *testing.T) {
	tab := testTable(t)
	ctx := context.Background()
	if _, err := tab.Get(ctx, "k"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of a missing key = %v, want ErrNotFound", err)
	}
	if _, err := tab.Create(ctx, "k", counter{N: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := tab.Create(ctx, "k", counter{N: 2}); !errors.Is(err, ErrExists) {
		t.Fatalf("second Create = %v, want ErrExists", err)
	}
	e, err := tab.Get(ctx, "k")
	if err != nil || e.Value.N != 1 {
		t.Fatalf("Get = %+v, %v", e, err)
	}
	if _, err := tab.Put(ctx, "k", counter{N: 3}, e.Revision+100); !IsConflict(err) {
		t.Fatalf("Put at a wrong revision = %v, want a conflict", err)
	}
}

// Concurrent increments by compare-and-swap lose nothing: every conflict is re-read and
// re-decided.
func TestUpdateRereadsOnConflict(t *testing.T) {
	tab := testTable(t)
	ctx := context.Background()
	if _, err := tab.Create(ctx, "n", counter{}); err != nil {
		t.Fatal(err)
	}
	const writers, each = 4, 25
	var failed atomic.Int32
	done := make(chan struct{})
	for range writers {
		go func() {
			defer func() { done <- struct{}{} }()
			for range each {
				if _, err := tab.Update(ctx, "n", func(c *counter) error { c.N++; return nil }); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	for range writers {
		<-done
	}
	e, err := tab.Get(ctx, "n")
	if err != nil || failed.Load() != 0 || e.Value.N != writers*each {
		t.Fatalf("counter = %d (failures %d, %v), want %d", e.Value.N, failed.Load(), err, writers*each)
	}
	t.Logf("%d conflicts re-read", tab.Stats.Conflicts.Load())
}

func TestUpdateNoChangeWritesNothing(t *testing.T) {
	tab := testTable(t)
	ctx := context.Background()
	rev, _ := tab.Create(ctx, "k", counter{N: 1})
	e, err := tab.Update(ctx, "k", func(*counter) error { return ErrNoChange })
	if err != nil || e.Revision != rev {
		t.Fatalf("Update with ErrNoChange = rev %d, %v; want rev %d untouched", e.Revision, err, rev)
	}
}

// UpdateFrom writes from a known entry without reading while the key is unchanged; once
// someone else wrote it, the compare-and-swap fails and the change is decided again on the
// fresh record; a refusal on the known value is decided again on the fresh record too.
func TestUpdateFromKnownEntry(t *testing.T) {
	tab := testTable(t)
	ctx := context.Background()
	rev, err := tab.Create(ctx, "k", counter{N: 1})
	if err != nil {
		t.Fatal(err)
	}
	incr := func(c *counter) error { c.N++; return nil }
	known := Entry[counter]{Key: "k", Value: counter{N: 1}, Revision: rev}
	reads := tab.Stats.Reads.Load()
	e, err := tab.UpdateFrom(ctx, known, incr)
	if err != nil || e.Value.N != 2 || tab.Stats.Reads.Load() != reads {
		t.Fatalf("UpdateFrom on an unchanged key = %+v, %v, %d reads; want N 2 and no read", e, err, tab.Stats.Reads.Load()-reads)
	}
	if _, err := tab.Put(ctx, "k", counter{N: 10}, e.Revision); err != nil { // someone else writes
		t.Fatal(err)
	}
	e, err = tab.UpdateFrom(ctx, e, incr) // e is stale now
	if err != nil || e.Value.N != 11 {
		t.Fatalf("UpdateFrom on a stale entry = %+v, %v; want N 11 (decided on the fresh record)", e, err)
	}
	stale := Entry[counter]{Key: "k", Value: counter{N: 0}, Revision: rev}
	got, err := tab.UpdateFrom(ctx, stale, func(c *counter) error {
		if c.N == 0 {
			return errors.New("refused on the old value")
		}
		return ErrNoChange
	})
	if err != nil || got.Value.N != 11 {
		t.Fatalf("a refusal on the known value = %+v, %v; want the fresh record (N 11) and no error", got, err)
	}
}
