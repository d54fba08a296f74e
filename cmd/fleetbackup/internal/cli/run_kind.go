package cli

import (
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// kindOf is what a run does: backup or restore (a record written before runs had kinds is a
// backup).
func kindOf(r runs.Record) string {
	if r.Kind == "" {
		return runs.KindBackup
	}
	return r.Kind
}

// restoreStatusLines are a restore's last lines: whether it may have left the fleet mixed (its
// loads began, and it did not complete), where its documents are, its error.
func restoreStatusLines(r runs.Record) [][2]string {
	var out [][2]string
	if r.LoadsBegun && r.State != runs.Completed {
		out = append(out, [2]string{"loads", "begun: the fleet may be mixed (some canisters restored, some not)"})
	}
	if r.BackupDir != nil {
		out = append(out, [2]string{"directory", *r.BackupDir})
	}
	if r.ManifestPath != nil {
		out = append(out, [2]string{"journal", *r.ManifestPath})
	}
	if r.Error != nil {
		out = append(out, [2]string{"error", *r.Error})
	}
	return out
}

// fleetText is "<fleet> on <network>"; "-" for what the record does not name (yet): a
// restore's fleet is learnt at admission, and its network is the backup's unless requested.
func fleetText(r runs.Record) string {
	if r.Fleet == "" && r.Network == "" {
		return "-"
	}
	return fmt.Sprintf("%s on %s", orNone(r.Fleet), orNone(r.Network))
}

// attentionLines say that a run waits for the operator, and what the operator does next.
func attentionLines(r runs.Record) [][2]string {
	if !r.AttentionRequired {
		return nil
	}
	return [][2]string{{"attention", "required: " + nextActionOf(r)},
		{"next", fmt.Sprintf("fleetbackup retry %s (continue forward), or fleetbackup abort --force %s (start the canisters as they are)", r.RunID, r.RunID)}}
}

// nextActionOf is the run's next_action, or what it means when the record has none.
func nextActionOf(r runs.Record) string {
	if r.NextAction != nil {
		return *r.NextAction
	}
	return "the fleet may be mixed"
}
