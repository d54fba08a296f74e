package cli

import (
	"context"
	"fmt"

	"github.com/fleetbackup/fleetbackup/cmd/fleetbackup/internal/progress"
	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/request"
)

// demoContents reads the simulated content id of every target of the plan, in plan order.
func demoContents(rt *installation, p *plan.Plan) ([]string, error) {
	out := make([]string, len(p.Targets))
	for i, t := range p.Targets {
		c, err := sim.Content(rt.sim.StateDir(), t.CanisterID)
		if err != nil {
			return nil, fmt.Errorf("reading the content of %s: %w", t.CanisterID, err)
		}
		out[i] = c
	}
	return out, nil
}

// demoRestore is `demo --restore` once the backup is checked: change every backed-up canister,
// restore them from the backup through the same installation, and show per canister that the
// content is the backed-up one again.
func demoRestore(ctx context.Context, inv *invocation, rt *installation, p *plan.Plan, f *demoFlags, backupID string,
	backedUp []string) error {
	ids := make([]string, len(p.Targets))
	for i, t := range p.Targets {
		ids[i] = t.CanisterID
	}
	fmt.Fprintf(inv.Stdout, "\nUsing the fleet: changing the content of the %d backed-up canisters.\n", len(ids))
	if err := sim.MutateAll(rt.sim.StateDir(), ids); err != nil {
		return fmt.Errorf("changing the simulated fleet: %w", err)
	}
	mutated, err := demoContents(rt, p)
	if err != nil {
		return err
	}
	for i := range ids {
		if mutated[i] == backedUp[i] {
			return &FailedError{Say: fmt.Sprintf("the content of %s did not change", ids[i])}
		}
	}
	fmt.Fprintf(inv.Stdout, "  ✓ content changed on all %d canisters\n\nRestoring backup %s onto them:\n", len(ids), backupID)
	if err := demoRestoreRun(ctx, inv, rt, backupID, f.order); err != nil {
		return err
	}
	restored, err := demoContents(rt, p)
	if err != nil {
		return err
	}
	return demoCompare(inv, rt, p, [3][]string{backedUp, mutated, restored})
}

// demoRestoreRun publishes the restore of the demo's backup and follows it to its end.
func demoRestoreRun(ctx context.Context, inv *invocation, rt *installation, backupID, order string) error {
	data, err := jsonMarshal(map[string]any{"run_id": "restore-" + backupID, "backup": backupID, "order": order})
	if err != nil {
		return err
	}
	req, err := request.DecodeRestoreRequest(data)
	if err != nil {
		return err
	}
	body, err := jsonMarshal(req)
	if err != nil {
		return err
	}
	if err := client.SubmitRestore(ctx, rt.stack.Store, body, req.RunID); err != nil {
		return err
	}
	m, err := followWith(ctx, inv, rt.stack.Store, req.RunID, progress.Options{}, false)
	if err != nil {
		return err
	}
	return restoreOutcome(m)
}

// demoCompare prints each canister's content when backed up, after the change and after the
// restore, and fails unless every restored content is the backed-up one and every canister runs.
func demoCompare(inv *invocation, rt *installation, p *plan.Plan, c [3][]string) error {
	fmt.Fprintf(inv.Stdout, "\nContent of each canister (simulated content id):\n")
	t := newTable("  ROLE", "CANISTER", "BACKED UP", "CHANGED", "RESTORED", "")
	matched, running := 0, 0
	for i, tg := range p.Targets {
		mark := "✗ differs"
		if c[2][i] == c[0][i] {
			matched, mark = matched+1, "✓ matches"
		}
		if st, err := sim.Inspect(rt.sim.StateDir(), tg.CanisterID); err == nil && st.Status == executor.StatusRunning {
			running++
		}
		t.row("  "+roleOr(tg.Role), tg.CanisterID, short(c[0][i]), short(c[1][i]), short(c[2][i]), mark)
	}
	fmt.Fprint(inv.Stdout, t.String())
	n := len(p.Targets)
	if matched != n || running != n {
		return &FailedError{Say: fmt.Sprintf("after the restore, %d of %d canisters match their backed-up content and %d run", matched, n, running)}
	}
	fmt.Fprintf(inv.Stdout, "  ✓ all %d restored canisters match their backed-up content, and all %d are running\n", n, n)
	return nil
}

// short is the first 12 hex digits of a content id.
func short(id string) string {
	if len(id) <= 12 {
		return id
	}
	return id[:12]
}

// roleOr is a target's role, or "-" when the registry names none.
func roleOr(role *string) string {
	if role == nil || *role == "" {
		return "-"
	}
	return *role
}
