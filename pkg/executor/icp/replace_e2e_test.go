package icp

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// At its limit a create fails permanently and says so (executor.ErrSnapshotLimit, from the IC's
// wording); a replace through the accepted `create <C> --quiet --replace <S>` line takes the
// snapshot in place of S, and the list shows it.
func TestReplaceSnapshotAtLimit(t *testing.T) {
	f := newFleet(t, Config{}, "FAKEICP_SIM_MAX_SNAPSHOTS=2")
	ctx := context.Background()
	c := f.member(4)
	if err := f.exec.Stop(ctx, c); err != nil {
		t.Fatal(err)
	}
	var taken []executor.Snapshot
	for range 2 {
		snap, err := f.exec.CreateSnapshot(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		taken = append(taken, snap)
	}
	_, err := f.exec.CreateSnapshot(ctx, c)
	mustClass(t, err, executor.ErrPermanent, ErrCommandFailed)
	if !errors.Is(err, executor.ErrSnapshotLimit) {
		t.Fatalf("create at the limit: %v does not match executor.ErrSnapshotLimit", err)
	}

	fresh, err := f.exec.ReplaceSnapshot(ctx, c, taken[0].ID)
	if err != nil || fresh.ID == "" || fresh.ID == taken[0].ID {
		t.Fatalf("replace: %+v, %v", fresh, err)
	}
	list, err := f.exec.ListSnapshots(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{list[0].ID, list[1].ID}
	if len(list) != 2 || !slices.Equal(ids, []string{taken[1].ID, fresh.ID}) {
		t.Fatalf("list after replace = %+v, want %s then %s", list, taken[1].ID, fresh.ID)
	}
	invs := f.invocations()
	want := []string{"canister", "snapshot", "create", c, "--quiet", "--replace", taken[0].ID, "-n", "local"}
	if !slices.ContainsFunc(invs, func(inv invocation) bool { return slices.Equal(inv.Args, want) }) {
		t.Fatalf("no invocation %q among %+v", want, invs)
	}
}

// A replace of a snapshot the canister does not hold, or of a running canister, fails
// permanently and changes nothing; a malformed id runs nothing.
func TestReplaceSnapshotRefused(t *testing.T) {
	f := newFleet(t, Config{})
	ctx := context.Background()
	c, other := f.member(4), f.member(5)
	if err := f.exec.Stop(ctx, other); err != nil {
		t.Fatal(err)
	}
	theirs, err := f.exec.CreateSnapshot(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.exec.ReplaceSnapshot(ctx, c, theirs.ID)
	mustClass(t, err, executor.ErrPermanent, ErrCommandFailed)
	if errors.Is(err, executor.ErrSnapshotLimit) {
		t.Fatalf("a refused replace is not a limit: %v", err)
	}
	if err := f.exec.Stop(ctx, c); err != nil {
		t.Fatal(err)
	}
	_, err = f.exec.ReplaceSnapshot(ctx, c, theirs.ID)
	mustClass(t, err, executor.ErrPermanent, ErrCommandFailed)
	before := len(f.invocations())
	_, err = f.exec.ReplaceSnapshot(ctx, c, "--json")
	mustClass(t, err, executor.ErrPermanent, ErrInvalidArgument)
	if n := len(f.invocations()); n != before {
		t.Fatalf("%d commands ran for an invalid snapshot id", n-before)
	}
	for _, id := range []string{c, other} {
		st, err := sim.Inspect(f.state, id)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{c: 0, other: 1}[id]; len(st.Snapshots) != want {
			t.Fatalf("%s holds %d snapshots, want %d", id, len(st.Snapshots), want)
		}
	}
}
