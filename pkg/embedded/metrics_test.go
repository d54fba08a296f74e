package embedded_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/metrics"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// Two embedded stacks run side by side in this test process, each with its own registry
// carried in the context it is started with: after a backup and a restore, each stack's
// scrape counts exactly its own runs' operations, bytes and downtimes.
func TestEmbeddedStacksCountTheirOwnRuns(t *testing.T) {
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			reg := prometheus.NewRegistry()
			set := metrics.New(reg)
			st := startStack(t, set)
			backup := st.RunToEnd(t, "backup-1", embeddedtest.Request(t, map[string]any{"run_id": "backup-1", "fleet": "demo",
				"network": "local", "root_canister_id": st.root, "scope": "non-root-fleet"}))
			if backup.BackupDir == nil {
				t.Fatalf("backup ended %s: %v", backup.State, backup.Error)
			}
			size := dirBytes(t, *backup.BackupDir) // before the restore writes its documents there
			restore := st.RestoreToEnd(t, "restore-1", embeddedtest.Request(t, map[string]any{"run_id": "restore-1", "backup": "backup-1"}))
			for _, rec := range []runs.Record{backup, restore} {
				if rec.State != runs.Completed {
					t.Fatalf("run %s ended %s: %v", rec.RunID, rec.State, rec.Error)
				}
			}
			got := scrapeRegistry(t, reg)
			want := planned(t, st, backup)
			for kind, n := range planned(t, st, restore) {
				want[kind] += n
			}
			for kind, n := range want {
				if c := got.sum("fleetbackup_operations_total", map[string]string{"kind": kind, "outcome": "completed"}); c != n {
					t.Errorf("%s completed = %v, want %v", kind, c, n)
				}
			}
			for _, series := range []string{"fleetbackup_downloaded_bytes_total", "fleetbackup_verified_bytes_total", "fleetbackup_uploaded_bytes_total"} {
				if c := got.sum(series, nil); c != size {
					t.Errorf("%s = %v, want the artifacts' %v", series, c, size)
				}
			}
			for kind, rec := range map[string]runs.Record{"backup": backup, "restore": restore} {
				if c, n := got.sum("fleetbackup_canister_downtime_seconds", map[string]string{"run_kind": kind}), planned(t, st, rec)["start"]; c != n || n == 0 {
					t.Errorf("%s downtimes = %v, want one per start (%v)", kind, c, n)
				}
			}
			if got.sum("fleetbackup_kv_reads_total", nil) == 0 || got.sum("fleetbackup_messages_terminated_total", nil) != 0 {
				t.Error("KV reads or message fates wrong")
			}
		})
	}
}

type stack struct {
	*embeddedtest.Stack
	root string
}

// startStack starts an embedded installation over a small fleet (root, hub, three leaves),
// reporting to set.
func startStack(t *testing.T, set *metrics.Set) stack {
	t.Helper()
	f := embeddedtest.NewFleet(t, fleetgen.Generate(fleetgen.Spec{Levels: []int{1, 3}}), 2048)
	backupRoot := filepath.Join(t.TempDir(), "backups")
	st, err := embedded.Start(metrics.NewContext(context.Background(), set), embedded.Config{StoreDir: t.TempDir(),
		BackupRoot: backupRoot, Exec: f.Sim, Port: -1, Stats: set.KV()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return stack{Stack: &embeddedtest.Stack{Stack: st, BackupRoot: backupRoot}, root: f.Root}
}

// planned counts a run's operations by kind, preflight validations left out.
func planned(t *testing.T, st stack, rec runs.Record) map[string]float64 {
	t.Helper()
	rp, err := st.Store.LoadRunPlan(context.Background(), rec.RunID, rec.Order)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]float64{}
	for _, ph := range rp.Plan.Phases {
		if !ph.Kind.IsPreflight() {
			n[string(ph.Kind)]++
		}
	}
	return n
}

// dirBytes is the size of the files in dir's subdirectories (the artifacts of a backup).
func dirBytes(t *testing.T, dir string) float64 {
	t.Helper()
	n := 0.0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Dir(path) == dir {
			return err
		}
		info, err := d.Info()
		n += float64(info.Size())
		return err
	})
	if err != nil || n == 0 {
		t.Fatalf("artifacts under %s: %v bytes, %v", dir, n, err)
	}
	return n
}

type families map[string]*dto.MetricFamily

// scrapeRegistry serves reg over HTTP as a service does and scrapes it once.
func scrapeRegistry(t *testing.T, reg *prometheus.Registry) families {
	t.Helper()
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fs, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// sum adds the samples of name (a histogram's count) whose labels include want.
func (f families) sum(name string, want map[string]string) float64 {
	total := 0.0
	for _, m := range f[name].GetMetric() {
		n := 0
		for _, l := range m.GetLabel() {
			if v, ok := want[l.GetName()]; ok && v == l.GetValue() {
				n++
			}
		}
		if n != len(want) {
			continue
		}
		total += m.GetCounter().GetValue() + m.GetGauge().GetValue() + float64(m.GetHistogram().GetSampleCount())
	}
	return total
}
