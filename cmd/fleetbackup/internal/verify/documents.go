package verify

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// documentProblem says why a document could not be used: missing, not JSON of its shape, or
// failing its validation.
func (c *checker) documentProblem(file string, err error) {
	var le *layout.Error
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.problem(file, err, "missing")
	case errors.As(err, &le) && le.Cause != nil && errors.Is(err, layout.ErrDecode):
		c.problem(file, err, "malformed: %v", le.Cause)
	case errors.As(err, &le) && le.Cause != nil:
		c.problem(file, err, "invalid: %v", le.Cause)
	default:
		c.problem(file, err, "unreadable: %v", err)
	}
}

// checkExecution: the execution journal belongs to the plan (DOMAIN §9.3), and every one of its
// operations completed.
func (c *checker) checkExecution() {
	if c.plan == nil || c.journal == nil {
		return
	}
	if err := layout.CheckExecution(c.plan, c.journal); err != nil {
		var le *layout.Error
		what := err.Error()
		if errors.As(err, &le) {
			what = describeMismatch(le)
		}
		c.problem(layout.ExecutionJournalFile, err, "does not match %s: %s", layout.PlanFile, what)
	} else {
		c.r.Execution = &layout.ExecutionReport{PlanID: c.plan.PlanID, RunID: c.plan.RunID, Verified: true,
			PlanOperations: len(c.plan.Phases), JournalOperations: len(c.journal.Operations)}
	}
	c.checkComplete()
}

func describeMismatch(le *layout.Error) string {
	s := le.Err.Error() + " (field " + le.Field
	if errors.Is(le.Err, layout.ErrPlanJournalOperationMismatch) {
		s += ", operation " + itoa(le.Sequence)
	}
	return s + ": plan " + quote(le.Expected) + ", journal " + quote(le.Actual) + ")"
}

// checkComplete names the operations of the execution journal that did not complete.
func (c *checker) checkComplete() {
	var open []string
	for _, op := range c.journal.Operations {
		if !op.State.Done() {
			open = append(open, unfinished(op))
		}
	}
	if len(open) == 0 {
		return
	}
	shown := open[:min(len(open), 3)]
	more := ""
	if len(open) > len(shown) {
		more = ", and " + itoa(len(open)-len(shown)) + " more"
	}
	c.problem(layout.ExecutionJournalFile, ErrIncompleteRun, "%d of %d operations did not complete: %s%s",
		len(open), len(c.journal.Operations), strings.Join(shown, "; "), more)
}

func unfinished(op journal.Operation) string {
	s := op.OperationID + " is " + string(op.State)
	if len(op.BlockingReasons) > 0 {
		s += " (" + op.BlockingReasons[0] + ")"
	}
	return s
}

// checkPlanManifest: the manifest describes the plan's run, root and targets.
func (c *checker) checkPlanManifest() {
	p, m := c.plan, c.manifest
	if p == nil || m == nil {
		return
	}
	if m.BackupID != p.RunID {
		c.problem(layout.ManifestFile, ErrMismatch, "backup_id %s differs from %s's run_id %s", quote(m.BackupID), layout.PlanFile, quote(p.RunID))
	}
	if m.Source.RootCanister != p.RootCanisterID {
		c.problem(layout.ManifestFile, ErrMismatch, "source.root_canister %s differs from %s's root_canister_id %s",
			quote(m.Source.RootCanister), layout.PlanFile, quote(p.RootCanisterID))
	}
	members := map[string]bool{}
	for _, mem := range m.Fleet.Members {
		members[mem.CanisterID] = true
		if _, ok := p.Target(mem.CanisterID); !ok {
			c.problem(layout.ManifestFile, ErrMismatch, "member %s is not a target of %s", mem.CanisterID, layout.PlanFile)
		}
	}
	for _, t := range p.Targets {
		if !members[t.CanisterID] {
			c.problem(layout.ManifestFile, ErrNotInManifest, "plan target %s (%s) is not a member", t.CanisterID, roleOf(t))
		}
	}
}

func roleOf(t plan.Target) string {
	if t.Role == nil {
		return "no role"
	}
	return "role " + *t.Role
}
