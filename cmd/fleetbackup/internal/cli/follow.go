package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/fleetbackup/fleetbackup/cmd/fleetbackup/internal/progress"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/svc"
)

// followFlags are the flags of every command that follows a run.
type followFlags struct {
	cfg    *svc.Config // NATS settings and the backup root
	asJSON *bool
}

// followEnv lists the flags of followFlags that fall back to the environment.
var followEnv = append([]string{"backup-root"}, natsFlagNames...)

func addFollowFlags(fs *flag.FlagSet) *followFlags {
	cfg := borrowFlags(fs, append(natsFlagNames, "backup-root")...)
	setUsage(fs, "backup-root", "the installation's backup root `DIR`, when it is on this machine: shows downloaded bytes (env FLEETBACKUP_BACKUP_ROOT)")
	return &followFlags{cfg: cfg, asJSON: fs.Bool("json", false, "print each new version of the run record as a JSON line, and no progress")}
}

// follow shows a run until until holds (nil: until it is terminal), as followWith does.
func follow(ctx context.Context, inv *invocation, store *runstore.Store, runID string, ff *followFlags,
	until func(*progress.Model) bool) (*progress.Model, error) {
	opts := progress.Options{BackupRoot: ff.cfg.BackupRoot, Until: until}
	return followWith(ctx, inv, store, runID, opts, *ff.asJSON)
}

// followWith shows a run: progress bars on a terminal, lines otherwise, JSON lines when
// asJSON; then, but for JSON, a summary.
func followWith(ctx context.Context, inv *invocation, store *runstore.Store, runID string, opts progress.Options,
	asJSON bool) (*progress.Model, error) {
	var bars *progress.Bars
	var sink progress.Sink
	tty, _, _ := terminal(inv.Stdout)
	switch {
	case asJSON:
		sink = &progress.JSONLines{W: inv.Stdout}
	case tty:
		bars = &progress.Bars{W: inv.Stdout, Size: func() (int, int) { return terminalSize(inv.Stdout) }}
		sink = bars
	default:
		sink = &progress.Plain{W: inv.Stdout}
	}
	m, err := progress.Follow(ctx, store, runID, opts, sink)
	if bars != nil {
		bars.Close(m)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return m, &FailedError{Say: fmt.Sprintf("stopped following run %s", runID)}
		}
		return m, err
	}
	if !asJSON {
		progress.Summary(inv.Stdout, m)
	}
	return m, nil
}

// runOutcome is the command's result for the state a run ended in: nil for want, a rejection
// (exit 2) for a rejected run when rejectIsInput, a FailedError (exit 1) otherwise.
func runOutcome(m *progress.Model, want runs.State, rejectIsInput bool) error {
	r := m.Run
	switch {
	case r == nil:
		return &FailedError{Say: "no run record"}
	case r.State == want:
		return nil
	case r.State == runs.Rejected && rejectIsInput:
		reason := "rejected"
		if r.Error != nil {
			reason = *r.Error
		}
		return &InputError{What: "run " + r.RunID + " rejected", Err: errors.New(reason)}
	case r.AttentionRequired:
		return &FailedError{Say: attentionSay(r)}
	}
	return &FailedError{Say: fmt.Sprintf("run %s is %s", r.RunID, r.State)}
}

// attentionSay is the last word on a restore that stopped for the operator (DESIGN §10): what
// happened and the two ways on.
func attentionSay(r *runs.Record) string {
	return fmt.Sprintf("restore %s is %s and needs attention: %s.\n"+
		"  continue it forward:                           fleetbackup retry %s\n"+
		"  or end it, starting the canisters as they are: fleetbackup abort --force %s", r.RunID, r.State, nextActionOf(*r), r.RunID, r.RunID)
}
