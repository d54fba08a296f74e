package embedded_test

import (
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim/simcheck"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/layout/layouttest"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// thirtyCanisterFleet is root → hub → 4 mids → 6 leaves each: 30 canisters; the hub's subtree
// has 29 targets over three levels, with replicated roles.
func thirtyCanisterFleet() []registry.Entry {
	return fleetgen.Generate(fleetgen.Spec{Levels: []int{1, 4, 6}, Roles: []string{"hub", "index", "store", "worker"}, ModuleHash: true})
}

func subtreeRequest(t *testing.T, runID string, f *embeddedtest.Fleet, order string) []byte {
	return embeddedtest.Request(t, map[string]any{
		"run_id": runID, "fleet": "demo", "network": "local", "root_canister_id": f.Root,
		"scope": "subtree", "selector": f.Entries[1].Pid, "order": order,
	})
}

func TestSubtreeBackupBothOrders(t *testing.T) {
	for _, order := range []string{"parallel", "strict"} {
		t.Run(order, func(t *testing.T) {
			f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 4096)
			st := embeddedtest.Start(t, f, embedded.Config{})
			rec := st.RunToEnd(t, "run-"+order, subtreeRequest(t, "run-"+order, f, order))
			if rec.State != runs.Completed {
				t.Fatalf("run ended %s: %s", rec.State, deref(rec.Error))
			}
			if rec.BackupDir == nil || rec.Counts.Completed != rec.Counts.Total || rec.RestartRequired {
				t.Fatalf("completed run record incomplete: %+v", rec)
			}
			p := layouttest.CheckBackupDir(t, *rec.BackupDir)
			if len(p.Targets) != 29 {
				t.Fatalf("plan has %d targets, want 29", len(p.Targets))
			}
			simcheck.CheckFleetAfterBackup(t, f.StateDir, p, map[string]int{})
			if order == "parallel" {
				simcheck.CheckParallelOrder(t, f.StateDir)
			}
		})
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
