package bench

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// TestQuickPieces runs the smallest pieces of the quick benchmark (the floor with a few
// operations in both sync modes, orchestration of 30 targets) and checks the tables' shape
// and that every number is positive, not the numbers themselves.
func TestQuickPieces(t *testing.T) {
	if testing.Short() {
		t.Skip("starts embedded servers and a whole pipeline")
	}
	ctx := context.Background()
	r := &Report{Machine: ThisMachine(), Command: "fleetbackup bench --quick", Quick: true}
	for _, fc := range []FloorConfig{{Ops: 20}, {Ops: 20, NoSync: true}, {Ops: 20, NoSync: true, Reads: true}} {
		f, err := Floor(ctx, fc)
		if err != nil {
			t.Fatal(err)
		}
		r.Floor = append(r.Floor, f)
	}
	o, err := Orchestration(ctx, OrchestrationConfig{Targets: 30, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	o.WithFloor(r.Floor)
	r.Orchestration = append(r.Orchestration, o)
	if o.Targets != 30 || o.Operations != 5*30+5 {
		t.Fatalf("orchestration ran %d targets in %d operations, want 30 in 155", o.Targets, o.Operations)
	}
	v, err := VerifyScaling(ctx, VerifyConfig{Targets: 2, ArtifactBytes: 1 << 20, Verifiers: 2})
	if err != nil {
		t.Fatal(err)
	}
	r.Verify = append(r.Verify, v)
	if v.Verifiers != 2 || v.TotalBytes < 2<<20 {
		t.Fatalf("verify scaling row %+v: want 2 verifiers over at least 2 MiB", v)
	}
	tables := r.Tables()
	wantRows(t, tables[0], "floor", 3, "sync always", "no sync", "no sync")
	wantRows(t, tables[1], "orchestration", 1, "no sync")
	if vt := tables[4]; vt.Title != "verify scaling" || len(vt.Rows) != 1 || vt.Rows[0][0] != "2" || vt.Rows[0][5] != "1.00" {
		t.Fatalf("verify scaling table %+v: want one row of 2 verifiers, 1.00x itself", vt)
	}
	var out strings.Builder
	if err := r.Render(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"machine: ", "command: fleetbackup bench --quick", "### floor", "### orchestration", "### downtime", "### data path", "### verify scaling"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("rendered report lacks %q:\n%s", want, out.String())
		}
	}
}

// wantRows checks a table's title, its row count, each row's first cell and that every other
// cell is a positive number (a count of reads may be 0).
func wantRows(t *testing.T, tb Table, title string, n int, first ...string) {
	t.Helper()
	if tb.Title != title || len(tb.Rows) != n {
		t.Fatalf("table %q has %d rows, want %q with %d", tb.Title, len(tb.Rows), title, n)
	}
	for i, row := range tb.Rows {
		if len(row) != len(tb.Headers) || row[0] != first[i] {
			t.Fatalf("%s row %d = %q, want %d cells starting %q", title, i, row, len(tb.Headers), first[i])
		}
		for j, cell := range row[1:] {
			x, err := strconv.ParseFloat(strings.ReplaceAll(cell, ",", ""), 64)
			if err != nil || x < 0 || (x == 0 && tb.Headers[j+1] != "KV reads") {
				t.Errorf("%s row %d, %s = %q: want a positive number", title, i, tb.Headers[j+1], cell)
			}
		}
	}
}

func TestDowntimesFromHistory(t *testing.T) {
	at := func(ms int) int64 { return time.Unix(0, 0).Add(time.Duration(ms) * time.Millisecond).UnixNano() }
	calls := []sim.Call{
		{TimeNanos: at(0), Call: sim.KindStop, Canister: "a", OK: true},
		{TimeNanos: at(100), Call: sim.KindStop, Canister: "b", OK: false},
		{TimeNanos: at(200), Call: sim.KindStop, Canister: "b", OK: true},
		{TimeNanos: at(500), Call: sim.KindStart, Canister: "b", OK: true},
		{TimeNanos: at(900), Call: sim.KindStart, Canister: "a", OK: true},
		{TimeNanos: at(950), Call: sim.KindStart, Canister: "a", OK: true},
		{TimeNanos: at(990), Call: sim.KindStart, Canister: "c", OK: true},
	}
	got := downtimes(calls)
	if len(got) != 2 || got[0] != 0.3 || got[1] != 0.9 {
		t.Fatalf("downtimes = %v, want [0.3 0.9]", got)
	}
	if m := median([]float64{3, 1, 2, 10}); m != 2.5 {
		t.Fatalf("median = %v, want 2.5", m)
	}
}

func TestBusyIsTheUnionOfSpans(t *testing.T) {
	t0 := time.Unix(100, 0)
	s := func(from, to int) span {
		return span{t0.Add(time.Duration(from) * time.Second), t0.Add(time.Duration(to) * time.Second)}
	}
	if got := busy([]span{s(5, 7), s(0, 2), s(1, 3), s(6, 9)}); got != 7*time.Second {
		t.Fatalf("busy = %s, want 7s", got)
	}
}

func TestShapes(t *testing.T) {
	for _, n := range []int{30, 100, 1000, 10000} {
		e, err := subtreeFleet(n)
		if err != nil || len(e) != n+1 {
			t.Fatalf("subtreeFleet(%d): %d entries, %v; want %d", n, len(e), err, n+1)
		}
	}
	for _, n := range []int{4, 30, 100, 300} {
		e, err := twoLevelFleet(n)
		if err != nil || len(e) != n+1 {
			t.Fatalf("twoLevelFleet(%d): %d entries, %v; want %d", n, len(e), err, n+1)
		}
	}
	if got := count(1234567); got != "1,234,567" {
		t.Fatalf("count = %q", got)
	}
}
