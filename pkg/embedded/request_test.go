package embedded_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

func smallFleet(t *testing.T) *embeddedtest.Fleet {
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{2, 2}, ModuleHash: true})
	return embeddedtest.NewFleet(t, entries, 1024)
}

func inlineRegistry(t *testing.T, f *embeddedtest.Fleet) json.RawMessage {
	data, err := fleetgen.JSON(f.Entries)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A request published twice, with the same Nats-Msg-Id or the same run id and body, starts
// one run; the same run id with a different body is refused and changes nothing.
func TestDuplicateRequestsStartOneRun(t *testing.T) {
	f := smallFleet(t)
	st := embeddedtest.Start(t, f, embedded.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	body := embeddedtest.Request(t, map[string]any{"run_id": "dup", "fleet": "demo", "network": "local",
		"root_canister_id": f.Root, "selector": f.Entries[1].Pid})
	for range 2 {
		if err := client.Submit(ctx, st.Store, body, "same-msg-id"); err != nil {
			t.Fatal(err)
		}
	}
	// Same run id and body, reformatted and without a message id.
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	if err := client.Submit(ctx, st.Store, embeddedtest.Request(t, m), ""); err != nil {
		t.Fatal(err)
	}
	rec, err := client.WaitTerminal(ctx, st.Store, "dup")
	if err != nil || rec.State != runs.Completed {
		t.Fatalf("run = %+v, %v", rec, err)
	}
	different := embeddedtest.Request(t, map[string]any{"run_id": "dup", "fleet": "other", "network": "local",
		"root_canister_id": f.Root, "selector": f.Entries[1].Pid})
	if err := client.Submit(ctx, st.Store, different, ""); err != nil {
		t.Fatal(err)
	}
	waitConsumerIdle(t, st)
	after, err := st.Store.Runs.Get(ctx, "dup")
	if err != nil || after.Value.State != runs.Completed || after.Value.Fleet != "demo" {
		t.Fatalf("different request changed the run: %+v, %v", after.Value, err)
	}
	calls, _ := sim.ReadHistory(f.StateDir)
	snapshots := 0
	for _, c := range calls {
		if c.Call == "snapshot" {
			snapshots++
		}
	}
	if want := 3; snapshots != want { // hub subtree: hub + its 2 children
		t.Fatalf("%d snapshots taken, want %d (one run)", snapshots, want)
	}
}

// waitConsumerIdle waits until the planner has acknowledged every request.
func waitConsumerIdle(t *testing.T, st *embeddedtest.Stack) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cons, err := st.Store.JS.Consumer(ctx, st.Names.RequestStream(), "planner")
	if err != nil {
		t.Fatal(err)
	}
	for {
		info, err := cons.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.NumPending == 0 && info.NumAckPending == 0 {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("planner still busy: %+v", info)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func TestBadRequestsAreRejectedBeforeAnyCall(t *testing.T) {
	f := smallFleet(t)
	reg := inlineRegistry(t, f)
	base := func(runID string) map[string]any {
		return map[string]any{"run_id": runID, "fleet": "demo", "network": "local",
			"root_canister_id": f.Root, "registry": reg}
	}
	with := func(runID string, k string, v any) []byte {
		m := base(runID)
		m[k] = v
		data, _ := json.Marshal(m)
		return data
	}
	cases := []struct {
		name, runID string
		body        []byte
	}{
		{"malformed JSON", "", []byte(`{"run_id": "bad-json", `)},
		{"unknown field", "bad-field", with("bad-field", "colour", "blue")},
		{"wrong type", "bad-type", with("bad-type", "include_descendants", "yes")},
		{"bad principal", "bad-principal", with("bad-principal", "root_canister_id", "AAAAA-AA")},
		{"unknown selector", "bad-selector", with("bad-selector", "selector", "no-such-role")},
		{"ambiguous selector", "ambiguous", with("ambiguous", "selector", "role-missing-0")},
		{"unknown scope", "bad-scope", with("bad-scope", "scope", "everything")},
	}
	// Make the ambiguous case real: two canisters share the role "twin".
	twin := "twin"
	f.Entries[2].Role, f.Entries[3].Role = &twin, &twin
	reg = inlineRegistry(t, f)
	cases[5].body = with("ambiguous", "selector", "twin")
	st := embeddedtest.Start(t, f, embedded.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, c := range cases {
		if err := client.Submit(ctx, st.Store, c.body, ""); err != nil {
			t.Fatal(err)
		}
	}
	waitConsumerIdle(t, st)
	for _, c := range cases {
		if c.runID == "" {
			continue
		}
		rec, err := st.Store.Runs.Get(ctx, c.runID)
		if err != nil {
			t.Errorf("%s: no run record: %v", c.name, err)
			continue
		}
		if rec.Value.State != runs.Rejected || rec.Value.Error == nil || *rec.Value.Error == "" {
			t.Errorf("%s: run record %+v, want rejected with a reason", c.name, rec.Value)
		}
		t.Logf("%s: %s", c.name, *rec.Value.Error)
	}
	checkNothingElseWritten(t, st)
	if calls, err := sim.ReadHistory(f.StateDir); err != nil || len(calls) != 0 {
		t.Fatalf("executor calls made for rejected requests: %v, %v", calls, err)
	}
}

// checkNothingElseWritten asserts that only run records exist: no plan, operation or artifact.
func checkNothingElseWritten(t *testing.T, st *embeddedtest.Stack) {
	t.Helper()
	ctx := context.Background()
	for _, kv := range []jetstream.KeyValue{st.Store.Plans, st.Store.Ops.KV, st.Store.Artifacts.KV} {
		keys, err := kv.Keys(ctx)
		if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
			t.Fatal(err)
		}
		if len(keys) != 0 {
			t.Errorf("bucket %s has keys %v after rejected requests", kv.Bucket(), keys)
		}
	}
}
