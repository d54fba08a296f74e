// Package kvstore keeps typed JSON records in a JetStream key-value bucket, where the
// revision read is the lock: every change is a compare-and-swap on it.
package kvstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Sentinels of this package.
var (
	// ErrNotFound says the key holds no record.
	ErrNotFound = errors.New("record not found")
	// ErrExists says Create found the key already written.
	ErrExists = errors.New("record already exists")
	// ErrNoChange, returned by an update function, ends Update without writing.
	ErrNoChange = errors.New("no change")
)

// Stats counts KV operations; one Stats may be shared by many tables. Its zero value is ready.
type Stats struct {
	Reads, Writes, Conflicts atomic.Int64
}

// count adds to a counter of s, which may be nil.
func (s *Stats) count(c func(*Stats) *atomic.Int64) {
	if s != nil {
		c(s).Add(1)
	}
}

// Table is a typed view of one bucket.
type Table[T any] struct {
	KV jetstream.KeyValue
	// Stats, when set, counts this table's reads, writes and conflicts.
	Stats *Stats
}

// Entry is a decoded record and the revision it was read at.
type Entry[T any] struct {
	Key      string
	Value    T
	Revision uint64
}

// Get reads one record.
func (t Table[T]) Get(ctx context.Context, key string) (Entry[T], error) {
	t.Stats.count(func(s *Stats) *atomic.Int64 { return &s.Reads })
	e, err := t.KV.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Entry[T]{}, fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	if err != nil {
		return Entry[T]{}, fmt.Errorf("reading %s: %w", key, err)
	}
	var v T
	if err := json.Unmarshal(e.Value(), &v); err != nil {
		return Entry[T]{}, fmt.Errorf("decoding %s: %w", key, err)
	}
	return Entry[T]{Key: key, Value: v, Revision: e.Revision()}, nil
}

// Create writes a record that must not exist yet; ErrExists otherwise.
func (t Table[T]) Create(ctx context.Context, key string, v T) (uint64, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return 0, err
	}
	t.Stats.count(func(s *Stats) *atomic.Int64 { return &s.Writes })
	rev, err := t.KV.Create(ctx, key, data)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return 0, fmt.Errorf("%s: %w", key, ErrExists)
	}
	if err != nil {
		return 0, fmt.Errorf("creating %s: %w", key, err)
	}
	return rev, nil
}

// Put writes v only if the key is still at revision rev. A mismatch is
// jetstream.ErrKeyRevisionMismatch (wrapped).
func (t Table[T]) Put(ctx context.Context, key string, v T, rev uint64) (uint64, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return 0, err
	}
	t.Stats.count(func(s *Stats) *atomic.Int64 { return &s.Writes })
	newRev, err := t.KV.Update(ctx, key, data, rev)
	if err != nil {
		return 0, fmt.Errorf("updating %s at revision %d: %w", key, rev, err)
	}
	return newRev, nil
}

// Update reads the record, lets change decide on the fresh value, and writes it by
// compare-and-swap. On a conflict it re-reads and calls change again, so change must decide
// from the value it is given only. change returning ErrNoChange ends without a write and
// Update returns the current entry with a nil error; any other error is returned as is.
func (t Table[T]) Update(ctx context.Context, key string, change func(*T) error) (Entry[T], error) {
	for attempt := 0; ; attempt++ {
		cur, err := t.Get(ctx, key)
		if err != nil {
			return Entry[T]{}, err
		}
		if err := change(&cur.Value); err != nil {
			if errors.Is(err, ErrNoChange) {
				return cur, nil
			}
			return cur, err
		}
		if written, err := t.swap(ctx, &cur); written || err != nil {
			return cur, err
		}
		if err := pause(ctx, attempt); err != nil {
			return Entry[T]{}, err
		}
	}
}

// UpdateFrom is Update starting from known, an entry of its key read or written earlier (value
// and revision), instead of reading the record first: while nobody else wrote the key since,
// the change costs one write and no read; otherwise the compare-and-swap fails and UpdateFrom
// goes on as Update. Only a write is ever decided on known: when change refuses it
// (ErrNoChange or another error), the record is read and change asked again, so nothing
// UpdateFrom returns rests on an old value. change receives a copy of known.Value, which must
// not share memory it changes in place (a slice it edits, a pointed-to struct it sets a field
// of) with the caller's copy. A known revision of 0 means nothing is known.
func (t Table[T]) UpdateFrom(ctx context.Context, known Entry[T], change func(*T) error) (Entry[T], error) {
	if known.Revision == 0 {
		return t.Update(ctx, known.Key, change)
	}
	cur := known
	if err := change(&cur.Value); err != nil {
		return t.Update(ctx, known.Key, change)
	}
	if written, err := t.swap(ctx, &cur); written || err != nil {
		return cur, err
	}
	return t.Update(ctx, known.Key, change)
}

// swap writes cur by compare-and-swap on its revision: written with cur's new revision, or not
// written because the key moved on (a conflict, counted), or an error (cur is then zeroed).
func (t Table[T]) swap(ctx context.Context, cur *Entry[T]) (bool, error) {
	rev, err := t.Put(ctx, cur.Key, cur.Value, cur.Revision)
	switch {
	case err == nil:
		cur.Revision = rev
		return true, nil
	case IsConflict(err):
		t.Stats.count(func(s *Stats) *atomic.Int64 { return &s.Conflicts })
		return false, nil
	}
	*cur = Entry[T]{}
	return false, err
}

// IsConflict reports whether err is a lost compare-and-swap.
func IsConflict(err error) bool {
	return errors.Is(err, jetstream.ErrKeyRevisionMismatch)
}

// pause waits a short, jittered, growing time before a re-read after a conflict.
func pause(ctx context.Context, attempt int) error {
	if attempt < 2 {
		return ctx.Err()
	}
	limit := time.Duration(min(attempt, 10)) * 200 * time.Microsecond
	timer := time.NewTimer(time.Duration(rand.Int64N(int64(limit))))
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
