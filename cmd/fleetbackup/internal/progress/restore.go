package progress

import (
	"fmt"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// What a restore shows that a backup does not: the backup it restores, and a canister table
// of upload, stop, load, start and check.

// restoreHeader is a restore's second header line: the backup it restores, onto which fleet.
func restoreHeader(m *Model) string {
	from := "restore"
	if m.Run != nil && m.Run.BackupID != "" {
		from = "from backup " + m.Run.BackupID
	}
	p := m.Plan
	if p == nil {
		return from + ": waiting for admission"
	}
	return fmt.Sprintf("%s onto %s on %s  %d canisters  %d operations", from, p.Fleet, p.Network,
		len(p.Targets), len(p.Phases))
}

// restoreTableHeader heads a restore's canister table.
func restoreTableHeader() string {
	return "  " + pad("role", colRole) + pad("upload", colUpload) + pad("stop", colStep) + pad("load", colStep) +
		pad("start", colStep) + pad("check", colStep) + "canister"
}

// colUpload is the width of a restore's upload cell.
const colUpload = 8

// restoreRow is one canister of a restore: a symbol per step, then its id.
func restoreRow(t *Target, spin int) string {
	row := "  " + pad(indentedRole(t), colRole) + pad(symbol(t.Steps[StepUpload], spin), colUpload)
	for _, s := range []Step{StepStop, StepLoad, StepStart, StepCheck} {
		row += pad(symbol(t.Steps[s], spin), colStep)
	}
	return row + t.CanisterID
}

// restoreDetail is what a restore's completed operation produced, for its plain line.
func restoreDetail(kind plan.OperationKind, t *Target) string {
	switch {
	case t.SnapshotID == "":
		return ""
	case kind == plan.KindUploadSnapshot:
		return "uploaded as snapshot " + t.SnapshotID
	case kind == plan.KindLoadSnapshot:
		return "loaded snapshot " + t.SnapshotID
	}
	return ""
}

// writeRestoreNext ends a restore's summary: where its documents are once it completed; what
// the operator does once it failed. A restore that failed after its loads began waits for the
// operator (DESIGN §10): retry continues it forward, abort --force starts the canisters as
// they are.
func writeRestoreNext(b *strings.Builder, r *runs.Record) {
	switch {
	case r.State == runs.Completed:
		if r.BackupDir != nil {
			fmt.Fprintf(b, "restore directory: %s\n", *r.BackupDir)
		}
		if r.ManifestPath != nil {
			fmt.Fprintf(b, "apply journal: %s\n", *r.ManifestPath)
		}
	case r.State == runs.Failed && r.AttentionRequired:
		next := "the fleet may be mixed"
		if r.NextAction != nil {
			next = *r.NextAction
		}
		fmt.Fprintf(b, "  ATTENTION REQUIRED: %s\n", next)
		fmt.Fprintf(b, "  continue the restore forward:                 fleetbackup retry %s\n", r.RunID)
		fmt.Fprintf(b, "  or end it, starting the canisters as they are: fleetbackup abort --force %s\n", r.RunID)
	case r.State == runs.Failed:
		fmt.Fprintf(b, "  retry the failed operations: fleetbackup retry %s\n", r.RunID)
	}
}
