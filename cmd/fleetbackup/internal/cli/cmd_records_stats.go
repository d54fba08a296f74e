package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

func recordsStatsCommand() *command {
	return &command{
		Name:    "records stats",
		Summary: "keys, stored messages and bytes of every KV bucket of the installation",
		About: `Records stats prints, for every KV bucket of the installation, its keys, the messages its stream
stores (every revision a key's history keeps, up to 8 per key, and delete markers) and their
bytes. Without record retention the runs, operations, plans and artifacts buckets grow with
every run; with it they hold the runs of the retention age (docs/record-retention.md). The
locks bucket holds one key per canister ever locked. --json prints the same as a JSON array.`,
		Example: `fleetbackup records stats
fleetbackup records stats --json | jq '.[] | select(.bucket == "fleetbackup_ops") | .keys'`,
		Run: runRecordsStats,
	}
}

func runRecordsStats(ctx context.Context, inv *invocation) error {
	cfg := addNATSFlags(inv.fs)
	asJSON := inv.fs.Bool("json", false, "print the sizes as a JSON array")
	if _, err := inv.parse(0, 0, natsFlagNames...); err != nil {
		return err
	}
	c, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	sizes, err := c.store.BucketSizes(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(inv.Stdout, sizes)
	}
	printRecordsStats(inv.Stdout, sizes)
	return nil
}

func printRecordsStats(w io.Writer, sizes []runstore.BucketSize) {
	t := newTable("BUCKET", "KEYS", "MESSAGES", "BYTES", "SIZE")
	var keys, msgs, bytes uint64
	for _, s := range sizes {
		t.row(s.Bucket, strconv.FormatUint(s.Keys, 10), strconv.FormatUint(s.Messages, 10),
			strconv.FormatUint(s.Bytes, 10), recordsSize(s.Bytes))
		keys, msgs, bytes = keys+s.Keys, msgs+s.Messages, bytes+s.Bytes
	}
	t.row("total", strconv.FormatUint(keys, 10), strconv.FormatUint(msgs, 10), strconv.FormatUint(bytes, 10), recordsSize(bytes))
	io.WriteString(w, t.String())
}

// recordsSize is a byte count in binary units: 512 B, 4.0 KiB, 12.3 MiB.
func recordsSize(n uint64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v, unit := float64(n)/1024, "KiB"
	for _, u := range []string{"MiB", "GiB", "TiB"} {
		if v < 1024 {
			break
		}
		v, unit = v/1024, u
	}
	return fmt.Sprintf("%.1f %s", v, unit)
}
