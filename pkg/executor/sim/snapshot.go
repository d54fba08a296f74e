package sim

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// CreateSnapshot snapshots a stopped canister, capturing its content. A running or stopping canister, or one already
// holding MaxSnapshots snapshots, is refused with a permanent error.
func (s *Sim) CreateSnapshot(ctx context.Context, canister string) (executor.Snapshot, error) {
	return s.takeSnapshot(ctx, &record{call: KindSnapshot, canister: canister})
}

// ReplaceSnapshot snapshots a stopped canister in place of one of its snapshots, as
// `icp canister snapshot create --replace` does: the new snapshot is taken, then the replaced one
// deleted, so the count does not change and a canister at MaxSnapshots can be snapshotted. A
// running or stopping canister, or a replaced snapshot the canister does not hold (another
// canister's, or none), is refused with a permanent error and changes nothing. The history logs
// a snapshot call with its replaced_snapshot_id.
func (s *Sim) ReplaceSnapshot(ctx context.Context, canister, replaced string) (executor.Snapshot, error) {
	if replaced == "" {
		return executor.Snapshot{}, permanent(&record{call: KindSnapshot, canister: canister}, ErrSnapshotNotFound,
			"no snapshot to replace given for canister %s", canister)
	}
	return s.takeSnapshot(ctx, &record{call: KindSnapshot, canister: canister, replaced: replaced})
}

// takeSnapshot creates the snapshot rec describes, replacing rec.replaced when it is set.
func (s *Sim) takeSnapshot(ctx context.Context, rec *record) (executor.Snapshot, error) {
	var snap executor.Snapshot
	err := s.run(ctx, rec, func() error {
		if err := s.known(rec); err != nil {
			return err
		}
		if err := s.pause(ctx, rec, KindSnapshot); err != nil {
			return err
		}
		return s.mutate(rec, true, func(st *canisterState, now time.Time) error {
			if rec.before != executor.StatusStopped {
				return permanent(rec, ErrCanisterNotStopped,
					"canister %s is %s; snapshots can only be taken of a stopped canister", rec.canister, rec.before)
			}
			old, err := s.slotFor(rec, st)
			if err != nil {
				return err
			}
			m := s.member(rec.canister)
			c := st.current(m)
			if c.Bytes == 0 {
				c.Bytes = s.cfg.ArtifactBytes
			}
			snap = addSnapshot(rec, st, m, now, c)
			if old >= 0 {
				st.Snapshots = slices.Delete(st.Snapshots, old, old+1)
			}
			return nil
		})
	})
	return snap, err
}

// slotFor makes room for a new snapshot: the index of the snapshot it replaces, or -1 for a
// plain create, which needs the canister under its limit.
func (s *Sim) slotFor(rec *record, st *canisterState) (int, error) {
	if rec.replaced == "" {
		return -1, s.roomForSnapshot(rec, st)
	}
	i := slices.IndexFunc(st.Snapshots, func(sn storedSnapshot) bool { return sn.ID == rec.replaced })
	if i < 0 {
		return -1, permanent(rec, ErrSnapshotNotFound, "snapshot %s to replace not found on canister %s", rec.replaced, rec.canister)
	}
	return i, nil
}

// DeleteSnapshot deletes one of a canister's snapshots; an unknown snapshot is a permanent
// not-found error, as on the IC.
func (s *Sim) DeleteSnapshot(ctx context.Context, canister, snapshotID string) error {
	rec := &record{call: KindDelete, canister: canister, snapshotID: snapshotID}
	return s.run(ctx, rec, func() error {
		if err := s.known(rec); err != nil {
			return err
		}
		if err := s.pause(ctx, rec, KindSnapshot); err != nil {
			return err
		}
		return s.mutate(rec, true, func(st *canisterState, _ time.Time) error {
			i := slices.IndexFunc(st.Snapshots, func(sn storedSnapshot) bool { return sn.ID == snapshotID })
			if i < 0 {
				return permanent(rec, ErrSnapshotNotFound, "snapshot %s not found on canister %s", snapshotID, canister)
			}
			st.Snapshots = slices.Delete(st.Snapshots, i, i+1)
			return nil
		})
	})
}

// snapshotID renders a snapshot id as the IC does: the canister-local 8-byte big-endian counter,
// then the canister id blob, in hex (36 hex digits for a 10-byte canister id).
func snapshotID(counter uint64, blob []byte) string {
	raw := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(blob)), counter)
	return hex.EncodeToString(append(raw, blob...))
}

// ListSnapshots lists the snapshots a canister holds, oldest first.
func (s *Sim) ListSnapshots(ctx context.Context, canister string) ([]executor.Snapshot, error) {
	var out []executor.Snapshot
	err := s.read(ctx, &record{call: KindList, canister: canister}, func(st *canisterState) {
		out = st.public()
	})
	return out, err
}

// findSnapshot returns the snapshot rec names, or a permanent not-found error.
func (s *Sim) findSnapshot(rec *record) (storedSnapshot, error) {
	st, err := readState(s.canisterPath(rec.canister))
	if err != nil {
		return storedSnapshot{}, hostError(rec, err)
	}
	return lookupSnapshot(rec, st)
}

// lookupSnapshot finds the snapshot rec names among a canister's, or fails with a permanent
// not-found error.
func lookupSnapshot(rec *record, st *canisterState) (storedSnapshot, error) {
	for _, snap := range st.Snapshots {
		if snap.ID == rec.snapshotID {
			return snap, nil
		}
	}
	return storedSnapshot{}, permanent(rec, ErrSnapshotNotFound, "snapshot %s not found on canister %s", rec.snapshotID, rec.canister)
}

// roomForSnapshot refuses a new snapshot of a canister already holding MaxSnapshots.
func (s *Sim) roomForSnapshot(rec *record, st *canisterState) error {
	if len(st.Snapshots) >= s.cfg.MaxSnapshots {
		return permanent(rec, ErrSnapshotLimit,
			"canister %s already holds %d snapshots, the most allowed; delete or replace one", rec.canister, len(st.Snapshots))
	}
	return nil
}

// addSnapshot records a new snapshot of content c, numbered by the canister's counter.
func addSnapshot(rec *record, st *canisterState, m *member, now time.Time, c content) executor.Snapshot {
	snap := executor.Snapshot{ID: snapshotID(st.Counter, m.blob), TakenAtNanos: uint64(now.UnixNano()),
		TotalSizeBytes: uint64(c.Bytes)}
	st.Counter++
	st.Snapshots = append(st.Snapshots, storedSnapshot{Snapshot: snap, Content: c})
	rec.snapshotID = snap.ID
	return snap
}
