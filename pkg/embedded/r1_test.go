package embedded_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// R1 (DOMAIN §11, runner): a single-target subtree backup in strict order completes, executes
// six operations (the four validate operations are completed by acceptance), passes layout
// integrity with one durable artifact, and makes exactly the calls status, stop, snapshot,
// start, download on the target, in that order — plus preflight's fresh registry read on the
// root and the snapshot baseline (list) before the create, both deliberate (docs/domain.md).
func TestR1SingleTargetStrict(t *testing.T) {
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{1}, Roles: []string{"app"}})
	f := embeddedtest.NewFleet(t, entries, 1024)
	reg, _ := fleetgen.JSON(entries)
	log := &execLog{count: map[int]int{}, by: map[string]int{}}
	st := embeddedtest.Start(t, f, embedded.Config{OnExecuted: log.record})
	app := entries[1].Pid
	body := embeddedtest.Request(t, map[string]any{"run_id": "run-test", "fleet": "demo", "network": "local",
		"root_canister_id": f.Root, "scope": "subtree", "selector": "app", "order": "strict", "registry": json.RawMessage(reg)})
	rec := st.RunToEnd(t, "run-test", body)
	if rec.State != runs.Completed {
		t.Fatalf("run ended %s: %s", rec.State, deref(rec.Error))
	}
	if len(log.count) != 6 {
		t.Fatalf("executed %d operations, want 6", len(log.count))
	}
	report, err := layout.LayoutIntegrity(*rec.BackupDir)
	if err != nil {
		t.Fatal(err)
	}
	if report.BackupID != "run-test" || report.DurableArtifacts != 1 {
		t.Fatalf("integrity report = %+v", report)
	}
	calls, err := sim.ReadHistory(f.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range calls {
		switch {
		case c.Canister == app:
			got = append(got, c.Call)
		case c.Call != "registry": // preflight re-reads the registry from the root (§10.2)
			t.Fatalf("call %s on %s, want only the target", c.Call, c.Canister)
		}
	}
	// list: the snapshot baseline taken before creating (§13), so a lost reply is adopted.
	if want := "status,stop,list,snapshot,start,download"; strings.Join(got, ",") != want {
		t.Fatalf("calls = %v, want %s", got, want)
	}
}
