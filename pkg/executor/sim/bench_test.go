package sim

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// writeFleetFile writes a fleet of n canisters (a root, hubs of about 100 leaves each).
func writeFleetFile(tb testing.TB, n int) string {
	tb.Helper()
	members := make([]member, n)
	for i := range members {
		members[i] = member{pid: principal.Encode(canisterBlob(uint64(0x10000 + i))), role: fmt.Sprintf("c%d", i)}
		switch {
		case i == 0:
		case i%100 == 1:
			members[i].parent = members[0].pid
		default:
			members[i].parent = members[i-(i-1)%100].pid
		}
	}
	data, err := renderRegistry(members)
	mustOK(tb, err)
	path := filepath.Join(tb.TempDir(), "fleet.json")
	mustOK(tb, os.WriteFile(path, data, 0o644))
	return path
}

// BenchmarkCycle1000 runs the calls of a backup of a 1,000-canister fleet: stop every canister,
// snapshot every canister, start every canister, download every snapshot (4 KiB artifacts).
func BenchmarkCycle1000(b *testing.B) {
	const n = 1000
	s := newSim(b, "", Config{FleetFile: writeFleetFile(b, n), ArtifactBytes: 4096, MaxSnapshots: 1 << 30})
	if len(s.fleet.members) != n {
		b.Fatalf("fleet of %d", len(s.fleet.members))
	}
	ctx := context.Background()
	var spent [4]time.Duration
	rounds := 0
	phase := func(k int, call func(m member, i int) error) {
		start := time.Now()
		for i, m := range s.fleet.members {
			if err := call(m, i); err != nil {
				b.Fatal(err)
			}
		}
		spent[k] += time.Since(start)
	}
	for b.Loop() {
		root := b.TempDir()
		ids := make([]string, n)
		phase(0, func(m member, _ int) error { return s.Stop(ctx, m.pid) })
		phase(1, func(m member, i int) error {
			snap, err := s.CreateSnapshot(ctx, m.pid)
			ids[i] = snap.ID
			return err
		})
		phase(2, func(m member, _ int) error { return s.Start(ctx, m.pid) })
		for i := range n {
			mustOK(b, os.Mkdir(filepath.Join(root, fmt.Sprint(i)), 0o755))
		}
		phase(3, func(m member, i int) error {
			return s.DownloadSnapshot(ctx, m.pid, ids[i], filepath.Join(root, fmt.Sprint(i)), false)
		})
		rounds++
	}
	calls := float64(rounds * n)
	for k, name := range []string{"stop", "snapshot", "start", "download"} {
		b.ReportMetric(float64(spent[k].Nanoseconds())/calls, "ns/"+name)
	}
	total := spent[0] + spent[1] + spent[2] + spent[3]
	b.ReportMetric(float64(total.Nanoseconds())/(4*calls), "ns/call")
}
