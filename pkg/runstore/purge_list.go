package runstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// RunListing is every key of the runs bucket, as one pass over it found them.
type RunListing struct {
	// Runs are the run records, each with the revision it was read at.
	Runs []kvstore.Entry[runs.Record]
	// Markers are keys whose last entry is a delete or purge marker: a purge stopped between
	// purging a run record and removing the marker it left (DropRunMarker removes it).
	Markers []string
	// Undecodable are keys whose value is not a run record; nothing purges them.
	Undecodable []string
}

// RunRecords reads the latest entry of every key of the runs bucket in one pass (one
// consumer over the bucket's stream, which holds one key per run: the operations, plans and
// artifacts buckets, which grow with the runs' sizes, are never listed whole).
func (s *Store) RunRecords(ctx context.Context) (RunListing, error) {
	var l RunListing
	w, err := s.Runs.KV.WatchAll(ctx)
	if err != nil {
		return l, fmt.Errorf("listing runs: %w", err)
	}
	defer w.Stop()
	for {
		var e jetstream.KeyValueEntry
		select {
		case <-ctx.Done():
			return l, ctx.Err()
		case e = <-w.Updates():
		}
		if e == nil {
			return l, nil // every key was delivered
		}
		if op := e.Operation(); op == jetstream.KeyValueDelete || op == jetstream.KeyValuePurge {
			l.Markers = append(l.Markers, e.Key())
			continue
		}
		var r runs.Record
		if err := json.Unmarshal(e.Value(), &r); err != nil {
			l.Undecodable = append(l.Undecodable, e.Key())
			continue
		}
		l.Runs = append(l.Runs, kvstore.Entry[runs.Record]{Key: e.Key(), Value: r, Revision: e.Revision()})
	}
}

// The KV header that marks a delete or purge (nats.go's own names are not exported).
const (
	kvOperationHeader = "KV-Operation"
	kvDeleteOp        = "DEL"
	kvPurgeOp         = "PURGE"
)

// DropRunMarker removes what is left of a purged run record: the purge (or delete) marker that
// is its key's last entry. A key that holds a record again (a run created since) is left as it
// is: only messages up to the marker are removed. It reports whether a marker was removed.
func (s *Store) DropRunMarker(ctx context.Context, runID string) (bool, error) {
	if !runs.IDPattern.MatchString(runID) {
		return false, fmt.Errorf("dropping marker: invalid run id %q", runID)
	}
	bucket := s.Names.RunsBucket()
	st, err := s.bucketStream(ctx, bucket)
	if err != nil {
		return false, err
	}
	m, err := st.GetLastMsgForSubject(ctx, kvSubject(bucket, runID))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading the last entry of run %s: %w", runID, err)
	}
	if op := m.Header.Get(kvOperationHeader); op != kvDeleteOp && op != kvPurgeOp {
		return false, nil
	}
	if err := s.purgeSubject(ctx, bucket, runID, m.Sequence+1); err != nil {
		return false, err
	}
	return true, nil
}
