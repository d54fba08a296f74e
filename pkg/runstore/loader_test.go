package runstore

import (
	"context"
	"errors"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// The one loader reads a run's operation records in sequence order (failing on a missing one),
// and the one counter counts them by state.
func TestLoadOpsAndCountOps(t *testing.T) {
	js, names := bustest.Installation(t)
	ctx := context.Background()
	s, err := OpenStore(ctx, js, names)
	if err != nil {
		t.Fatal(err)
	}
	target := "renrk-eyaaa-aaaaa-aaada-cai"
	kinds := []plan.OperationKind{plan.KindStop, plan.KindCreateSnapshot, plan.KindStart}
	for seq, kind := range kinds {
		op := journal.NewOperation(plan.Operation{OperationID: string(kind) + "-x", Order: uint32(seq), Kind: kind, TargetCanisterID: &target})
		rec := OpRecord{RunID: "r", Op: op, Deps: dispatch.NewDeps(0), Receipts: []StoredReceipt{}}
		if _, err := s.Ops.Create(ctx, OpKey("r", seq), rec); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := s.LoadOps(ctx, "r", len(kinds))
	if err != nil {
		t.Fatal(err)
	}
	for seq, r := range recs {
		if r.Op.Kind != kinds[seq] {
			t.Fatalf("record %d is %s, want %s", seq, r.Op.Kind, kinds[seq])
		}
	}
	c := CountOps(recs)
	if c.Total != 3 || c.Blocked != 3 || c.StartsUnfinished != 1 || c.StopsCompleted != 0 {
		t.Fatalf("counts = %+v", c)
	}
	if _, err := s.LoadOps(ctx, "r", len(kinds)+1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a missing record: %v, want ErrNotFound", err)
	}
}
