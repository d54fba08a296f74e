package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/recordgc"
)

func recordsPurgeCommand() *command {
	return &command{
		Name:    "records purge",
		Summary: "purge the KV records of settled runs older than --older-than",
		About: `Records purge removes every KV record of each finished run whose run record has not changed
(updated_at) for --older-than: its plan (with its parts and a restore's document), its operation
and barrier records, its artifact records, and its run record last, with all their history and
no delete marker left. The run then no longer shows in list, status or watch; its backup
directory, which holds the exported journals and the manifest, is not touched (prune removes
backup directories).

Only settled runs are purged: completed, aborted or rejected, with no canister left stopped, no
containment under way and the canister locks released. A failed run may still be retried or
resumed, which needs its records: it is kept unless --include-failed (a failed restore waiting
for the operator is always kept). Running, queued and planning runs are never purged.

It prints each purged run with its keys and stored messages (every revision of a key's history),
then what it kept and why. --dry-run prints the same and removes nothing. Running it while the
planners purge on their own, or twice at once, is safe: each run is purged and counted once.`,
		Example: `fleetbackup records purge --older-than 720h --dry-run
fleetbackup records purge --older-than 2160h --include-failed --json`,
		Run: runRecordsPurge,
	}
}

// recordsPurgeReport is what `records purge --json` prints.
type recordsPurgeReport struct {
	OlderThan     string `json:"older_than"`
	IncludeFailed bool   `json:"include_failed"`
	recordgc.Report
}

func runRecordsPurge(ctx context.Context, inv *invocation) error {
	cfg := addNATSFlags(inv.fs)
	olderThan := inv.fs.Duration("older-than", 0, "purge runs whose record has not changed for `DURATION` (e.g. 720h; required)")
	includeFailed := inv.fs.Bool("include-failed", false, "also purge failed runs (they can no longer be retried)")
	dryRun := inv.fs.Bool("dry-run", false, "print what would be purged, purge nothing")
	asJSON := inv.fs.Bool("json", false, "print the report as JSON")
	if _, err := inv.parse(0, 0, natsFlagNames...); err != nil {
		return err
	}
	if *olderThan <= 0 {
		return usagef("--older-than is required and must be positive (e.g. 720h)")
	}
	p := recordgc.Policy{Age: *olderThan}
	if *includeFailed {
		p.FailedAge = *olderThan
	}
	c, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	rep, passErr := recordgc.Pass(ctx, c.store, p, recordgc.Options{Now: time.Now(), DryRun: *dryRun})
	if *asJSON {
		if err := writeJSON(inv.Stdout, recordsPurgeReport{OlderThan: olderThan.String(), IncludeFailed: *includeFailed, Report: rep}); err != nil {
			return err
		}
	} else {
		printRecordsPurge(inv.Stdout, rep, *olderThan)
	}
	if passErr != nil {
		return &FailedError{Say: passErr.Error()}
	}
	return nil
}

func printRecordsPurge(w io.Writer, rep recordgc.Report, olderThan time.Duration) {
	verb := "purged the records of"
	if rep.DryRun {
		verb = "dry run: would purge the records of"
	}
	if len(rep.Purged) > 0 {
		t := newTable("RUN", "KIND", "STATE", "UPDATED", "KEYS", "MESSAGES")
		for _, r := range rep.Purged {
			t.row(r.RunID, r.Kind, r.State, r.UpdatedAt, strconv.Itoa(r.Keys), strconv.FormatUint(r.Messages, 10))
		}
		io.WriteString(w, t.String())
	}
	fmt.Fprintf(w, "%s %s older than %s: %s, %s\n", verb, recordsPlural(len(rep.Purged), "run"), olderThan,
		recordsPlural(rep.Keys, "key"), recordsPlural(int(rep.Messages), "message"))
	if kept := keptSummary(rep.Kept); kept != "" {
		fmt.Fprintf(w, "kept %s\n", kept)
	}
	if rep.Raced > 0 {
		fmt.Fprintf(w, "%s purged or changed by another process meanwhile (not counted here)\n", recordsPlural(rep.Raced, "run"))
	}
	if rep.Markers > 0 {
		fmt.Fprintf(w, "removed %s left by a purge cut short\n", recordsPlural(rep.Markers, "marker"))
	}
	if len(rep.Undecodable) > 0 {
		fmt.Fprintf(w, "left alone: runs bucket keys that hold no run record: %s\n", strings.Join(rep.Undecodable, ", "))
	}
}

// keptSummary is "N runs: a reason, b another reason", or "" when nothing was kept.
func keptSummary(kept map[string]int) string {
	total := 0
	var parts []string
	for _, reason := range slices.Sorted(maps.Keys(kept)) {
		total += kept[reason]
		parts = append(parts, fmt.Sprintf("%d %s", kept[reason], reason))
	}
	if total == 0 {
		return ""
	}
	return recordsPlural(total, "run") + ": " + strings.Join(parts, "; ")
}

// recordsPlural is "1 run", "2 runs".
func recordsPlural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
