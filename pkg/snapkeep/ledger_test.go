package snapkeep

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// fakeLedger is a synthetic run store: run records and artifact records by run and canister.
type fakeLedger struct {
	runs      map[string]runs.Record
	artifacts map[[2]string]string
	err       error
	runReads  int
}

func (l *fakeLedger) Run(_ context.Context, runID string) (runs.Record, bool, error) {
	l.runReads++
	rec, ok := l.runs[runID]
	return rec, ok, l.err
}

func (l *fakeLedger) SnapshotOf(_ context.Context, runID, canister string) (string, bool, error) {
	id, ok := l.artifacts[[2]string{runID, canister}]
	return id, ok, l.err
}

func completed(id string) runs.Record {
	return runs.Record{RunID: id, Kind: runs.KindBackup, State: runs.Completed}
}

// Only claims the ledger backs make a snapshot fleetbackup's: a completed backup whose own
// artifact record for this canister names the snapshot. A manifest of a run the store never
// had, of a run not completed, of a restore, or naming a snapshot the run did not record for
// that canister, proves nothing.
func TestProverTrustsOnlyVouchedClaims(t *testing.T) {
	const c, other = "canister-a", "canister-b"
	l := &fakeLedger{
		runs: map[string]runs.Record{"ok": completed("ok"), "failed": {RunID: "failed", Kind: runs.KindBackup, State: runs.Failed},
			"restore": {RunID: "restore", Kind: runs.KindRestore, State: runs.Completed}, "renamed": completed("elsewhere"),
			"edited": completed("edited"), "moved": completed("moved"), "purged": completed("purged")},
		artifacts: map[[2]string]string{{"ok", c}: "s-ok", {"failed", c}: "s-failed", {"restore", c}: "s-restore",
			{"renamed", c}: "s-renamed", {"edited", c}: "s-real", {"moved", other}: "s-moved"},
	}
	claims := Claims{c: {"s-ok": {"forged", "ok"}, "s-failed": {"failed"}, "s-restore": {"restore"}, "s-renamed": {"renamed"},
		"s-edited": {"edited"}, "s-moved": {"moved"}, "s-purged": {"purged"}, "s-nobody": {"forged"}}}
	inv := snaps("s-ok", 1, "s-failed", 2, "s-restore", 3, "s-renamed", 4, "s-edited", 5, "s-moved", 6, "s-purged", 7,
		"s-nobody", 8, "s-foreign", 9)
	p := &Prover{Ledger: l, Claims: claims}
	owned, err := p.Owned(context.Background(), c, inv)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Owned{"s-ok": {RunID: "ok"}}); !reflect.DeepEqual(owned, want) {
		t.Fatalf("owned %v, want %v", owned, want)
	}
	if owned, _ := p.Owned(context.Background(), other, snaps("s-ok", 1, "s-moved", 2)); len(owned) != 0 {
		t.Fatalf("claims of another canister proved %v", owned)
	}
	reads := l.runReads
	if _, err := p.Owned(context.Background(), c, inv); err != nil || l.runReads != reads {
		t.Fatalf("a second canister read run records again (%d reads, then %d), %v", reads, l.runReads, err)
	}
}

// A snapshot nobody claims is not fleetbackup's, whatever the ledger says; without a ledger
// nothing is; a ledger that cannot be read decides nothing.
func TestProverWithoutEvidence(t *testing.T) {
	l := &fakeLedger{runs: map[string]runs.Record{"ok": completed("ok")}, artifacts: map[[2]string]string{{"ok", "c"}: "s"}}
	inv := snaps("s", 1)
	if owned, err := (&Prover{Ledger: l, Claims: Claims{}}).Owned(context.Background(), "c", inv); err != nil || len(owned) != 0 {
		t.Fatalf("unclaimed snapshot: %v %v", owned, err)
	}
	claims := Claims{"c": {"s": {"ok"}}}
	if owned, err := (&Prover{Claims: claims}).Owned(context.Background(), "c", inv); err != nil || len(owned) != 0 {
		t.Fatalf("no ledger: %v %v", owned, err)
	}
	l.err = errors.New("kv unavailable")
	if owned, err := (&Prover{Ledger: l, Claims: claims}).Owned(context.Background(), "c", inv); !errors.Is(err, l.err) || owned != nil {
		t.Fatalf("ledger error: %v %v, want the error and no decision", owned, err)
	}
}
