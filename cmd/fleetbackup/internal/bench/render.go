package bench

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Table is one scenario's results as a titled grid of cells.
type Table struct {
	Title   string
	Note    string
	Headers []string
	Rows    [][]string
}

// Tables lays the report out as one table per scenario, in the order they ran.
func (r *Report) Tables() []Table {
	return []Table{r.floorTable(), r.orchestrationTable(), r.downtimeTable(), r.dataPathTable(), r.verifyTable(), r.restoreTable()}
}

// Render prints the machine, the command and every table as Markdown.
func (r *Report) Render(w io.Writer) error {
	var b strings.Builder
	mode := "full"
	if r.Quick {
		mode = "quick"
	}
	fmt.Fprintf(&b, "machine: %d CPUs, %s/%s, %s\n", r.Machine.CPUs, r.Machine.GOOS, r.Machine.GOARCH, r.Machine.GoVersion)
	fmt.Fprintf(&b, "command: %s\n", r.Command)
	fmt.Fprintf(&b, "mode: %s, %.1f s in all\n", mode, r.ElapsedSeconds)
	for _, t := range r.Tables() {
		b.WriteString("\n")
		t.markdown(&b)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (t Table) markdown(b *strings.Builder) {
	fmt.Fprintf(b, "### %s\n\n", t.Title)
	if t.Note != "" {
		fmt.Fprintf(b, "%s\n\n", t.Note)
	}
	line := func(cells []string) { fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | ")) }
	line(t.Headers)
	seps := make([]string, len(t.Headers))
	for i := range seps {
		seps[i] = "---"
	}
	line(seps)
	for _, row := range t.Rows {
		line(row)
	}
}

func (r *Report) floorTable() Table {
	t := Table{Title: "floor",
		Note: "Per operation, back to back with nats.go on one embedded server (in-process connection, the " +
			"installation's streams and buckets): fetch + ack of its message from the work-queue stream, two " +
			"KV compare-and-swap updates (claim, completion) on one key, one publish with a message id; the " +
			"second row of each store also reads the record before each update. The orchestration table " +
			"compares with the first.",
		Headers: []string{"store", "KV reads", "operations", "ms per operation"}}
	for _, f := range r.Floor {
		reads := "0"
		if f.Reads {
			reads = "2"
		}
		t.Rows = append(t.Rows, []string{syncName(f.Sync), reads, count(f.Ops), num(f.MsPerOp, 3)})
	}
	return t
}

func (r *Report) orchestrationTable() Table {
	t := Table{Title: "orchestration",
		Note: "Zero-latency subtree backups in parallel order (1 KiB artifacts, 2 downloaders, 2 verifiers), " +
			"from submission to the terminal run record; KV operations of every service per target (writes " +
			"include lost compare-and-swaps, which are the conflicts); KiB the clients sent the server per target.",
		Headers: []string{"store", "targets", "operations", "seconds", "ms per operation", "floor ms", "x floor",
			"KV reads / target", "KV writes / target", "CAS conflicts / target", "KiB in / target"}}
	for _, o := range r.Orchestration {
		t.Rows = append(t.Rows, []string{syncName(o.Sync), count(o.Targets), count(o.Operations), num(o.Seconds, 1),
			num(o.MsPerOp, 3), num(o.FloorMsPerOp, 3), num(o.FloorRatio, 1), num(o.ReadsPerTarget, 1),
			num(o.WritesPerTarget, 1), num(o.ConflictsPerTarget, 1), num(o.InKBPerTarget, 1)})
	}
	return t
}

func (r *Report) downtimeTable() Table {
	t := Table{Title: "downtime",
		Note: "Sim latencies stop 200 ms, snapshot 300 ms, start 100 ms; every canister two levels deep under the " +
			"root (scope non-root-fleet); sync always. Downtime per canister from the sim's history: stop " +
			"completed to start completed. Slots are snapshotter instances x 8 (the stage's concurrency; " +
			"instances add slots, as separate processes would). The calls alone along the deepest " +
			"path keep a top canister down 0.7 s (its children's stops, a snapshot, their start, its start).",
		Headers: downtimeHeaders}
	t.Note += phasesNote
	if r.Quick {
		t.Note += " --quick runs strict order at 30 targets only, and 100 targets with 64 slots only."
	}
	t.Rows = downtimeRows(r.Downtime)
	return t
}

var downtimeHeaders = []string{"targets", "order", "snapshotter slots", "max downtime s", "median s", "run s",
	"last stop s", "first start s", "last start s"}

const phasesNote = " The last three columns are when the last stop, the first start and the last start completed, " +
	"counted from the first stop's completion."

func downtimeRows(rows []DowntimeRow) [][]string {
	var out [][]string
	for _, d := range rows {
		slots := fmt.Sprintf("%d (%d x %d)", d.Slots, d.SnapshotterInstances, d.Slots/max(d.SnapshotterInstances, 1))
		out = append(out, []string{count(d.Targets), d.Order, slots, num(d.MaxSeconds, 2),
			num(d.MedianSeconds, 2), num(d.RunSeconds, 1), num(d.Phases.LastStop, 2),
			num(d.Phases.FirstStart, 2), num(d.Phases.LastStart, 2)})
	}
	return out
}

func (r *Report) restoreTable() Table {
	t := Table{Title: "restore downtime",
		Note: "A backup of the downtime scenario's fleet, then its restore, with sim latencies upload 300 ms, stop " +
			"200 ms, load 300 ms, start 100 ms (2 downloaders for the uploads); sync always. Downtime per canister " +
			"from the restore's own calls: its stop completed to its start completed (uploads run while the " +
			"fleet runs). Run s is the restore alone, uploads and checks included." + phasesNote,
		Headers: downtimeHeaders, Rows: downtimeRows(r.Restore)}
	if r.Quick {
		t.Note += " --quick restores 30 targets in parallel order with 64 slots only."
	}
	return t
}

func (r *Report) dataPathTable() Table {
	t := Table{Title: "data path",
		Note: "Zero-latency backups of targets with large artifacts; N downloader and N verifier instances, each " +
			"with the stage's concurrency (slots). MB/s = 10^6 bytes/s over the time at least one download " +
			"(verify) was under way (claim to completion, server times); end to end from the first download's " +
			"claim to the last verify's completion; crypto/sha256 over the same bytes in memory.",
		Headers: []string{"instances", "slots each", "targets x MiB", "download MB/s", "verify MB/s",
			"end to end MB/s", "sha256 MB/s (1 goroutine)", "sha256 MB/s (2)", "verify / sha256 (1)"}}
	for _, d := range r.DataPath {
		per := float64(d.TotalBytes) / float64(max(d.Targets, 1)) / (1 << 20)
		ratio := 0.0
		if d.SHA256MBps1 > 0 {
			ratio = d.VerifyMBps / d.SHA256MBps1
		}
		t.Rows = append(t.Rows, []string{count(d.Instances), count(d.Slots), fmt.Sprintf("%d x %s", d.Targets, num(per, 1)),
			num(d.DownloadMBps, 0), num(d.VerifyMBps, 0), num(d.EndToEndMBps, 0), num(d.SHA256MBps1, 0),
			num(d.SHA256MBps2, 0), num(ratio, 2)})
	}
	return t
}

func (r *Report) verifyTable() Table {
	t := Table{Title: "verify scaling",
		Note: "The same backups, but the verifiers (one slot each: one hash at a time) start only once every " +
			"artifact is downloaded, so that they have the machine to themselves. MB/s as in the data path; " +
			"crypto/sha256 on one goroutine over the same bytes in memory; x one verifier against the first row.",
		Headers: []string{"verifiers", "targets x MiB", "verify MB/s", "sha256 MB/s (1 goroutine)",
			"per verifier / sha256", "x one verifier"}}
	for _, v := range r.Verify {
		per := float64(v.TotalBytes) / float64(max(v.Targets, 1)) / (1 << 20)
		t.Rows = append(t.Rows, []string{count(v.Verifiers), fmt.Sprintf("%d x %s", v.Targets, num(per, 1)),
			num(v.VerifyMBps, 0), num(v.SHA256MBps1, 0), num(ratio(v.VerifyMBps/float64(max(v.Verifiers, 1)), v.SHA256MBps1), 2),
			num(ratio(v.VerifyMBps, r.Verify[0].VerifyMBps), 2)})
	}
	return t
}

// ratio is a / b, or 0 when b is not positive.
func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// count prints an integer with thousands separators.
func count(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func num(x float64, decimals int) string { return strconv.FormatFloat(x, 'f', decimals, 64) }
