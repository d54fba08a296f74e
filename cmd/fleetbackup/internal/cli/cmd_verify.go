package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fleetbackup/fleetbackup/cmd/fleetbackup/internal/progress"
	"github.com/fleetbackup/fleetbackup/cmd/fleetbackup/internal/verify"
)

func verifyCommand() *command {
	return &command{
		Name:    "verify",
		Args:    "<backup-dir>",
		Summary: "check a backup directory offline: every checksum, the manifest, both journals",
		About: `Verify checks a backup directory on its own, without NATS: it reads and validates the plan, the
execution journal, the download journal and the manifest; checks that the execution journal
belongs to the plan and completed, that the manifest, the download journal and the journal's
receipts agree, and that the manifest covers the plan's targets; and recomputes the SHA-256 of
every artifact. It names each problem it finds (file and what), and exits 1 if there is any.`,
		Example: `fleetbackup verify backups/nightly-2026-11-26
fleetbackup verify --json backups/nightly-2026-11-26 | jq '.problems[]'`,
		Run: runVerify,
	}
}

func runVerify(_ context.Context, inv *invocation) error {
	asJSON := inv.fs.Bool("json", false, "print the report as JSON (problems, warnings, artifacts)")
	args, err := inv.parse(1, 1)
	if err != nil {
		return err
	}
	dir := args[0]
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		if err == nil {
			err = errors.New("not a directory")
		}
		return &InputError{What: "backup directory " + dir, Err: err}
	}
	r := verify.Check(dir)
	if *asJSON {
		if err := writeJSON(inv.Stdout, r); err != nil {
			return err
		}
	} else {
		printVerify(inv.Stdout, r)
	}
	return verifyOutcome(r)
}

func verifyOutcome(r *verify.Report) error {
	if r.Verified {
		return nil
	}
	return &FailedError{Say: fmt.Sprintf("%s: %d problem(s) found", r.Dir, len(r.Problems))}
}

// printVerify writes a verification report for people: each problem on its own line, or what
// was verified.
func printVerify(w io.Writer, r *verify.Report) {
	var b strings.Builder
	if !r.Verified {
		fmt.Fprintf(&b, "backup %s: NOT verified, %d problem(s):\n", r.Dir, len(r.Problems))
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "  ✗ %s\n", p)
		}
	} else {
		var total int64
		for _, a := range r.Artifacts {
			total += a.Bytes
		}
		fmt.Fprintf(&b, "backup %s verified: %s\n", r.BackupID, r.Dir)
		if e := r.Execution; e != nil {
			fmt.Fprintf(&b, "  ✓ plan and execution journal agree: %d operations, all completed\n", e.PlanOperations)
		}
		b.WriteString("  ✓ manifest, download journal and receipts agree\n")
		fmt.Fprintf(&b, "  ✓ %d artifacts, %s, every SHA-256 recomputed and matching:\n", len(r.Artifacts), progress.FormatBytes(total))
		for _, a := range r.Artifacts {
			fmt.Fprintf(&b, "      %s/  %s  sha256 %s\n", a.ArtifactPath, progress.FormatBytes(a.Bytes), a.Checksum)
		}
	}
	for _, p := range r.Warnings {
		fmt.Fprintf(&b, "  warning: %s\n", p)
	}
	io.WriteString(w, b.String())
}
