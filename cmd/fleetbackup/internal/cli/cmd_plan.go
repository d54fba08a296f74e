package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/planning"
	"github.com/fleetbackup/fleetbackup/pkg/svc"
)

// executorFlagNames are the executor settings plan takes, as the services do.
var executorFlagNames = []string{
	"executor", "sim-state", "sim-fleet", "sim-artifact-bytes", "sim-latency",
	"icp-binary", "icp-network", "icp-root-key", "icp-environment", "icp-project-root",
	"icp-identity", "icp-identity-password-file", "icp-timeout",
}

func planCommand() *command {
	return &command{
		Name:    "plan",
		Summary: "print the plan a request would produce, touching nothing (dry run)",
		About: `Plan reads the fleet's registry (from --registry, or from the root canister through the
executor), resolves the selection and prints the plan a run would follow: its targets and its
operations in plan order. It stops, snapshots and writes nothing, and needs no NATS. With the sim
executor (the default) and no --root, the simulated fleet's root is used. A selection of more
targets than --max-targets is refused, as the planner refuses it.`,
		Example: `fleetbackup plan --fleet demo --network local --selector user_hub
fleetbackup plan --file request.json --json > backup-plan.json
fleetbackup plan --fleet prod --network ic --root aaaaa-aa --scope non-root-fleet --registry registry.json`,
		Run: runPlan,
	}
}

func runPlan(ctx context.Context, inv *invocation) error {
	rf := addRequestFlags(inv.fs)
	cfg := borrowFlags(inv.fs, executorFlagNames...)
	asJSON := inv.fs.Bool("json", false, "print the plan document (DOMAIN §2) instead of a table")
	maxTargets := inv.fs.Int("max-targets", 0, fmt.Sprintf(
		"refuse a selection of more than `N` targets, as a planner with this --max-targets does (0: the default, %d; env %s)",
		plan.DefaultMaxTargets, svc.EnvName("max-targets")))
	if _, err := inv.parse(0, 0, slices.Concat(executorFlagNames, []string{"max-targets"})...); err != nil {
		return err
	}
	if *maxTargets < 0 {
		return usagef("--max-targets %d: must not be negative (0 is the default, %d)", *maxTargets, plan.DefaultMaxTargets)
	}
	fields, err := rf.fields(inv.fs, inv.Stdin)
	if err != nil {
		return err
	}
	exec, cleanup, err := planExecutor(cfg, fields)
	if err != nil {
		return err
	}
	defer cleanup()
	req, err := decodeRequest(fields)
	if err != nil {
		return err
	}
	p, err := planning.Limits{MaxTargets: *maxTargets}.BuildPlan(ctx, exec, executor.RetryPolicy{}, req)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(inv.Stdout, p)
	}
	printPlan(inv.Stdout, p)
	return nil
}

// planExecutor builds the executor that answers the registry call. A request with an inline
// registry needs none. The sim gets a throwaway state directory unless --sim-state names one,
// and lends its root to a request without one.
func planExecutor(cfg *svc.Config, fields map[string]json.RawMessage) (executor.Executor, func(), error) {
	noop := func() {}
	if _, inline := fields["registry"]; inline {
		return nil, noop, nil
	}
	if cfg.Executor != svc.ExecutorSim {
		exec, err := svc.Executor(cfg)
		if err != nil {
			return nil, noop, err
		}
		return exec, noop, nil
	}
	cleanup := noop
	if cfg.Sim.StateDir == "" {
		dir, err := os.MkdirTemp("", "fleetbackup-plan-")
		if err != nil {
			return nil, noop, err
		}
		cfg.Sim.StateDir = dir
		cleanup = func() { os.RemoveAll(dir) }
	}
	s, err := sim.New(*cfg.Sim)
	if err != nil {
		cleanup()
		return nil, noop, &InputError{What: "sim executor", Err: err}
	}
	if _, ok := fields["root_canister_id"]; !ok {
		fields["root_canister_id"] = jsonString(s.Root())
	}
	return s, cleanup, nil
}

// writeJSON prints a document as the backup directory holds it: pretty, with a final newline.
func writeJSON(w io.Writer, v any) error {
	data, err := document.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}

func printPlan(w io.Writer, p *plan.Plan) {
	var b strings.Builder
	sel := "none"
	if p.SelectedSubtreeRoot != nil {
		sel = *p.SelectedSubtreeRoot
	}
	fmt.Fprintf(&b, "plan %s (run %s)\n", p.PlanID, p.RunID)
	fmt.Fprintf(&b, "fleet %s on %s, root %s\n", p.Fleet, p.Network, p.RootCanisterID)
	fmt.Fprintf(&b, "scope %s, selected %s, include descendants %t, quiescence %s\n",
		p.SelectedScopeKind, sel, p.IncludeDescendants, p.QuiescencePolicy)
	fmt.Fprintf(&b, "topology hash %s\n\n", p.TopologyHashBeforeQuiesce)
	table := newTable("CANISTER", "ROLE", "PARENT", "DEPTH")
	for _, t := range p.Targets {
		table.row(t.CanisterID, orDash(t.Role), orDash(t.ParentCanisterID), fmt.Sprint(t.Depth))
	}
	fmt.Fprintf(&b, "%d targets:\n%s\n", len(p.Targets), table)
	ops := newTable("ORDER", "OPERATION", "KIND", "ROLE")
	for _, ph := range p.Phases {
		role := "-"
		if ph.TargetCanisterID != nil {
			if t, ok := p.Target(*ph.TargetCanisterID); ok {
				role = orDash(t.Role)
			}
		}
		ops.row(fmt.Sprint(ph.Order), ph.OperationID, string(ph.Kind), role)
	}
	fmt.Fprintf(&b, "%d operations, in plan order:\n%s", len(p.Phases), ops)
	io.WriteString(w, b.String())
}

func orDash(s *string) string {
	if s == nil || *s == "" {
		return "-"
	}
	return *s
}
