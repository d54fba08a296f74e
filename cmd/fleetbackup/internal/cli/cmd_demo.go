package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fleetbackup/fleetbackup/cmd/fleetbackup/internal/progress"
	"github.com/fleetbackup/fleetbackup/cmd/fleetbackup/internal/verify"
	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/planning"
	"github.com/fleetbackup/fleetbackup/pkg/request"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// Demo defaults: a few MiB per canister and latencies that make progress visible while the
// whole demo takes seconds.
const demoArtifactBytes = 2 << 20

var demoLatency = map[string]time.Duration{
	sim.KindStop: 150 * time.Millisecond, sim.KindStart: 120 * time.Millisecond,
	sim.KindSnapshot: 250 * time.Millisecond, sim.KindDownload: 1500 * time.Millisecond,
	sim.KindStatus: 5 * time.Millisecond, sim.KindRegistry: 20 * time.Millisecond,
	sim.KindUpload: 800 * time.Millisecond, sim.KindLoad: 150 * time.Millisecond, // --restore only
}

func demoCommand() *command {
	return &command{
		Name:    "demo",
		Summary: "back up a simulated fleet end to end in seconds, then verify the backup",
		About: `Demo needs nothing but this program: it starts NATS with JetStream and the five services in
this process, on a simulated fleet of twelve canisters over three levels, backs up the subtree
of --selector (stop top-down, snapshot, start bottom-up, download, verify, finalize) with live
progress, prints a summary and the backup directory, and checks that directory as
` + "`fleetbackup verify`" + ` does. The backup stays in --out; everything else is temporary.

With --restore it goes on: it changes the content of every backed-up canister (as using the
fleet would), restores the backup through the same installation (upload, stop, load, start,
check, finalize) with live progress, and shows each canister's content when backed up, after the
change and after the restore, which must match the backup's.`,
		Example: `fleetbackup demo
fleetbackup demo --restore
fleetbackup demo --selector game_hub --out /tmp/backups --sim-artifact-bytes 8388608`,
		Run: runDemo,
	}
}

type demoFlags struct {
	out, scope, selector, order string
	verbose, restore            bool
	sim                         *sim.Config
}

func runDemo(ctx context.Context, inv *invocation) error {
	f := &demoFlags{}
	inv.fs.StringVar(&f.out, "out", "backups", "`DIR` that keeps the backup directory")
	inv.fs.StringVar(&f.scope, "scope", "subtree", "`SCOPE` of the backup: member, subtree, non-root-fleet or maintenance-root")
	inv.fs.StringVar(&f.selector, "selector", "user_hub", "`ROLE` or principal of the selected canister")
	inv.fs.StringVar(&f.order, "order", "parallel", "`ORDER`: parallel or strict")
	inv.fs.BoolVar(&f.verbose, "verbose", false, "log what the services do on standard error")
	inv.fs.BoolVar(&f.restore, "restore", false, "after the backup, change the backed-up canisters, restore them from the backup and show their content is back")
	f.sim = sim.RegisterFlags(inv.fs)
	setUsage(inv.fs, "sim-artifact-bytes", "simulated fleet: memory bytes per snapshot (default 2 MiB for the demo)")
	setUsage(inv.fs, "sim-latency", "simulated fleet: call latencies `KIND=DURATION,...` (stop, start, snapshot, download, status, registry; default: a demo's, e.g. download=1.5s)")
	if _, err := inv.parse(0, 0); err != nil {
		return err
	}
	if f.sim.ArtifactBytes == 0 {
		f.sim.ArtifactBytes = demoArtifactBytes
	}
	if !isSet(inv.fs, "sim-latency") {
		f.sim.Latency = demoLatency
	}
	return demo(ctx, inv, f)
}

func demo(ctx context.Context, inv *invocation, f *demoFlags) error {
	out, err := absDir(f.out)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "fleetbackup-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	rc := runtimeConfig{work: work, backupRoot: out, port: -1, sim: *f.sim, log: newLogger(nil, nil),
		instances: map[string]int{"downloader": 2, "verifier": 2}}
	if f.verbose {
		rc.log = newLogger(nil, inv.Stderr)
	}
	rt, err := startRuntime(ctx, rc)
	if err != nil {
		return err
	}
	defer rt.stack.Close()
	req, p, err := demoRequest(ctx, rt.sim, f)
	if err != nil {
		return err
	}
	printFleet(inv.Stdout, rt.fleet, p, f.sim.ArtifactBytes)
	var backedUp []string // each target's content when backed up, for --restore
	if f.restore {
		if backedUp, err = demoContents(rt, p); err != nil {
			return err
		}
	}
	body, err := jsonMarshal(req)
	if err != nil {
		return err
	}
	if err := client.Submit(ctx, rt.stack.Store, body, req.RunID); err != nil {
		return err
	}
	m, err := followWith(ctx, inv, rt.stack.Store, req.RunID, progress.Options{BackupRoot: out}, false)
	if err != nil {
		return err
	}
	if err := runOutcome(m, runs.Completed, false); err != nil {
		return err
	}
	if err := demoCheck(inv, rt, p, filepath.Join(out, req.RunID)); err != nil || !f.restore {
		return err
	}
	return demoRestore(ctx, inv, rt, p, f, req.RunID, backedUp)
}

// demoRequest describes the demo's run and plans it once here, so that a bad selection is
// refused before anything starts.
func demoRequest(ctx context.Context, s *sim.Sim, f *demoFlags) (*request.Request, *plan.Plan, error) {
	fields := map[string]string{"run_id": newRunID("demo", ""), "fleet": "demo", "network": "local",
		"root_canister_id": s.Root(), "scope": f.scope, "order": f.order}
	if f.scope != string(plan.ScopeNonRootFleet) {
		fields["selector"] = f.selector
	}
	data, err := jsonMarshal(fields)
	if err != nil {
		return nil, nil, err
	}
	req, err := request.DecodeRequest(data)
	if err != nil {
		return nil, nil, err
	}
	p, err := planning.BuildPlan(ctx, s, executor.RetryPolicy{}, req)
	if err != nil {
		return nil, nil, err
	}
	return req, p, nil
}

// demoCheck verifies the backup as `fleetbackup verify` does and checks that every selected
// canister runs again.
func demoCheck(inv *invocation, rt *installation, p *plan.Plan, dir string) error {
	fmt.Fprintf(inv.Stdout, "\nChecking the backup directory as `fleetbackup verify %s` does:\n", dir)
	r := verify.Check(dir)
	printVerify(inv.Stdout, r)
	stopped := 0
	for _, t := range p.Targets {
		if st, err := sim.Inspect(rt.sim.StateDir(), t.CanisterID); err != nil || st.Status != executor.StatusRunning {
			stopped++
		}
	}
	if stopped > 0 {
		return &FailedError{Say: fmt.Sprintf("%d canisters are not running after the backup", stopped)}
	}
	fmt.Fprintf(inv.Stdout, "  ✓ all %d backed-up canisters are running again\n\n", len(p.Targets))
	if err := verifyOutcome(r); err != nil {
		return err
	}
	fmt.Fprintf(inv.Stdout, "Backup kept in %s\nCheck it again any time: fleetbackup verify %s\n", dir, dir)
	return nil
}
