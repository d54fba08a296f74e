package planning

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/request"
)

// limitRequest is a request for the whole of a fleet (non-root-fleet), and the executor that
// answers its registry call: a simulator of the fleet (a registry of many entries does not fit
// in a request inline).
func limitRequest(t *testing.T, entries []registry.Entry) (*request.Request, executor.Executor) {
	t.Helper()
	reg, err := fleetgen.JSON(entries)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "fleet.json")
	if err := os.WriteFile(file, reg, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(sim.Config{StateDir: filepath.Join(dir, "state"), FleetFile: file})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"run_id":"limit","fleet":"f","network":"local","root_canister_id":"` + entries[0].Pid +
		`","scope":"non-root-fleet"}`
	req, err := request.DecodeRequest([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return req, s
}

// A selection over Limits.MaxTargets is a *request.RequestError on the selector that names the
// count, the limit and the flag; exactly at the limit it is planned; a zero limit is the default.
func TestBuildPlanMaxTargets(t *testing.T) {
	small := fleetgen.Generate(fleetgen.Spec{Levels: []int{2, 1}}) // root + 4: four targets
	cases := []struct {
		name    string
		limit   int
		refused bool
	}{
		{"over", 3, true},
		{"at", 4, false},
		{"raised", 100, false},
		{"default", 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, exec := limitRequest(t, small)
			p, err := Limits{MaxTargets: c.limit}.BuildPlan(context.Background(), exec, executor.RetryPolicy{}, req)
			if c.refused {
				checkTooMany(t, p, err, 4, c.limit)
			} else if err != nil || len(p.Targets) != 4 {
				t.Fatalf("err %v, want a plan of 4 targets", err)
			}
		})
	}
	// BuildPlan has the default limit: the whole of a fleet of DefaultMaxTargets+2 canisters
	// (fetched from its root, too large to be inline) is refused.
	req, exec := limitRequest(t, fleetgen.Sized(plan.DefaultMaxTargets+2, nil))
	p, err := BuildPlan(context.Background(), exec, executor.RetryPolicy{}, req)
	checkTooMany(t, p, err, plan.DefaultMaxTargets+1, plan.DefaultMaxTargets)
}

// checkTooMany fails unless err refuses a plan of count targets over limit, naming both and the flag.
func checkTooMany(t *testing.T, p *plan.Plan, err error, count, limit int) {
	t.Helper()
	var bad *request.RequestError
	if p != nil || !errors.As(err, &bad) || bad.Field != "selector" || !errors.Is(err, plan.ErrTooManyTargets) {
		t.Fatalf("plan %v, err %v: want a RequestError on the selector matching ErrTooManyTargets", p != nil, err)
	}
	for _, want := range []string{strconv.Itoa(count) + " targets", "limit of " + strconv.Itoa(limit), "--max-targets"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not name %q", err, want)
		}
	}
}
