package runstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
)

// RestoreKey is where a restore run's document lives in the plans bucket, beside its plan.
func RestoreKey(runID string) string { return runID + ".restore" }

// SaveRestore writes a restore run's document once (kvstore.ErrExists when it was written).
func (s *Store) SaveRestore(ctx context.Context, d *restore.RunDocument) error {
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return s.createParts(ctx, RestoreKey(d.RunID), data)
}

// LoadRestore reads a restore run's document and validates its plan and journal.
func (s *Store) LoadRestore(ctx context.Context, runID string) (*restore.RunDocument, error) {
	data, err := s.readParts(ctx, RestoreKey(runID))
	if err != nil {
		return nil, err
	}
	var d restore.RunDocument
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("restore document of %s: %w", runID, err)
	}
	if d.RunID != runID || d.Plan == nil || d.Journal == nil {
		return nil, fmt.Errorf("restore document of %s is incomplete", runID)
	}
	if err := d.Plan.Validate(); err != nil {
		return nil, fmt.Errorf("restore document of %s: %w", runID, err)
	}
	if err := d.Journal.Validate(); err != nil {
		return nil, fmt.Errorf("restore document of %s: %w", runID, err)
	}
	return &d, nil
}

// ErrRestoreDiffers says a restore document stored for a run is not the one just admitted.
var ErrRestoreDiffers = errors.New("a different restore document is already stored for this run")

// SaveRestoreOnce writes a restore run's document, or accepts the one already stored only when
// it is the same (a repeated admission): a document planted in KV before the request must not
// point the restore at another directory.
func (s *Store) SaveRestoreOnce(ctx context.Context, d *restore.RunDocument) error {
	err := s.SaveRestore(ctx, d)
	if !errors.Is(err, kvstore.ErrExists) {
		return err
	}
	stored, err := s.LoadRestore(ctx, d.RunID)
	if err != nil {
		return err
	}
	a, _ := json.Marshal(stored)
	b, _ := json.Marshal(d)
	if !bytes.Equal(a, b) {
		return fmt.Errorf("run %s: %w", d.RunID, ErrRestoreDiffers)
	}
	return nil
}
