package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/restore"
)

// restorePhase is one phase of a restore as `restore plan` shows it: a name, what it means for
// the fleet, and its operations in sequence order.
type restorePhase struct {
	name, note string
	ops        []restore.Operation
}

// restorePhaseNames names the phase each operation kind belongs to (DESIGN §10); deployment
// checks are checks too.
var restorePhaseNames = []struct {
	kind       restore.Kind
	name, note string
}{
	{restore.KindUploadSnapshot, "uploads", "the fleet keeps running"},
	{restore.KindStop, "stops", "parent first"},
	{restore.KindLoadSnapshot, "loads", "each target stopped, the id its upload produced"},
	{restore.KindStart, "starts", "children first"},
	{restore.KindCheckMember, "checks", "running, module hash as the manifest recorded"},
	{restore.KindFinalizeRestore, "finalize", "restore documents written, run ends"},
}

// restorePhases groups a journal's operations by phase, in phase order; empty phases are left out.
func restorePhases(ops []restore.Operation) []restorePhase {
	var out []restorePhase
	for _, p := range restorePhaseNames {
		ph := restorePhase{name: p.name, note: p.note}
		for _, op := range ops {
			if op.Operation == p.kind {
				ph.ops = append(ph.ops, op)
			}
		}
		if len(ph.ops) > 0 {
			out = append(out, ph)
		}
	}
	return out
}

// printRestorePlan writes an admitted restore for people: the backup, what admission checked,
// the phases as a table and a summary line.
func printRestorePlan(w io.Writer, dir string, a *restore.Admission, f *restorePlanFlags) error {
	p, j := a.Plan, a.Journal
	eligible, err := firstEligible(a, f.order)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Restore plan for backup %s (dry run: nothing was touched)\n", p.BackupID)
	fmt.Fprintf(&b, "  directory  %s\n", a.Artifacts.BackupRoot)
	fmt.Fprintf(&b, "  source     %s, root %s, topology hash %s\n", p.SourceEnvironment, p.SourceRootCanister, p.TopologyHash)
	fmt.Fprintf(&b, "  members    %d: %d in place, %d onto other canisters%s\n", p.MemberCount,
		p.IdentitySummary.InPlaceMembers, p.IdentitySummary.RemappedMembers, mappingNote(f.mapping))
	fmt.Fprintf(&b, "  order      %s: %d operation(s) may start at once\n\n", f.order, eligible)
	b.WriteString("Admission passed:\n")
	if a.Integrity != nil {
		fmt.Fprintf(&b, "  ✓ layout integrity: manifest and download journal agree, %d artifacts re-hashed\n", len(a.Integrity.Artifacts))
	} else {
		b.WriteString("  - layout integrity skipped (--no-verify): the download journal was not cross-checked\n")
	}
	b.WriteString("  ✓ manifest, mapping and plan valid; members ordered parent before child\n")
	fmt.Fprintf(&b, "  ✓ %d artifacts match the manifest's SHA-256\n\n", a.Artifacts.CheckedMembers)
	phases := restorePhases(j.Operations)
	b.WriteString(phaseTable(phases).String())
	fmt.Fprintf(&b, "\n%d operations in %d phases for %d members, order %s. ", len(j.Operations), len(phases), p.MemberCount, f.order)
	fmt.Fprintf(&b, "Run it: %s (on the installation whose backup root holds it).\n", runLineFor(p.BackupID, f))
	_, err = io.WriteString(w, b.String())
	return err
}

// phaseTable lays out the phases in order, one row per operation; the phase's name, number,
// operation count and note head its first row.
func phaseTable(phases []restorePhase) *table {
	t := newTable("PHASE", "OPS", "SEQ", "KIND", "CANISTER", "ROLE", "NOTE")
	for i, ph := range phases {
		for k, op := range ph.ops {
			name, count, note := "", "", ""
			if k == 0 {
				name, count, note = fmt.Sprintf("%d %s", i+1, ph.name), fmt.Sprint(len(ph.ops)), ph.note
			}
			t.row(name, count, fmt.Sprint(op.Sequence), string(op.Operation), opCanister(op), op.Role, note)
		}
	}
	return t
}

// opCanister is the canister an operation acts on, with its source when a mapping moves it.
func opCanister(op restore.Operation) string {
	if op.SourceCanister == op.TargetCanister {
		return op.TargetCanister
	}
	return op.TargetCanister + " ← " + op.SourceCanister
}

// runLineFor is the `restore run` command line that runs the restore this dry run planned.
func runLineFor(backupID string, f *restorePlanFlags) string {
	line := "fleetbackup restore run " + backupID
	if f.mapping != "" && f.mapping != "-" {
		line += " --mapping " + f.mapping
	}
	if f.order != restoreOrderParallel {
		line += " --order " + f.order
	}
	if f.noVerify {
		line += " --no-verify"
	}
	return line
}

func mappingNote(path string) string {
	if path == "" {
		return ""
	}
	return " (mapping " + path + ")"
}

// firstEligible counts the operations the order lets start first: every upload in parallel,
// one in strict.
func firstEligible(a *restore.Admission, order string) (int, error) {
	if order == restoreOrderStrict {
		return len(restore.StrictOrder{}.Eligible(a.Journal)), nil
	}
	g, err := restore.NewParallelOrder(a.Plan, a.Journal)
	if err != nil {
		return 0, err
	}
	return len(g.Eligible(a.Journal)), nil
}

// rejectRestore reports a refused admission: the step and the reason, on standard output for
// people (standard error with --json, which keeps standard output for the plan), and exit 1.
func rejectRestore(inv *invocation, dir string, asJSON bool, err error) error {
	step, reason := explainAdmission(dir, err)
	w := inv.Stdout
	if asJSON {
		w = inv.Stderr
	}
	fmt.Fprintf(w, "Restore of %s REJECTED at admission step %s; nothing was touched.\n", dir, step)
	fmt.Fprintf(w, "  ✗ %s\n    %v\n", reason, unwrapAdmission(err))
	return &FailedError{Say: fmt.Sprintf("%s: rejected at %s: %s", dir, step, reason)}
}

// relPath shows a path inside the backup directory relative to it.
func relPath(dir, path string) string {
	absDir, err1 := filepath.Abs(dir)
	absPath, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return path
	}
	if rel, err := filepath.Rel(absDir, absPath); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}
