package svc

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
	"github.com/fleetbackup/fleetbackup/pkg/metrics"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/schedule"
)

// Every fleetbackup series a service can export is in docs/operations.md's table, every name
// there is exported, and the dashboard and the alert rules query no other.
func TestOperationsDocListsEverySeries(t *testing.T) {
	exported := exportedNames(t)
	documented := map[string]bool{}
	doc := readRepoFile(t, "docs/operations.md")
	for _, m := range regexp.MustCompile("(?m)^\\| `(fleetbackup_[a-z_]+)`").FindAllStringSubmatch(doc, -1) {
		documented[m[1]] = true
	}
	for name := range exported {
		if !documented[name] {
			t.Errorf("%s is exported but not in docs/operations.md", name)
		}
	}
	for name := range documented {
		if !exported[name] {
			t.Errorf("docs/operations.md lists %s, which no service exports", name)
		}
	}
	series := regexp.MustCompile(`fleetbackup_[a-z_]+`)
	for _, file := range []string{"deploy/grafana/dashboards/fleetbackup.json", "deploy/prometheus/alerts.yml", "deploy/prometheus/alerts_test.yml"} {
		for _, name := range series.FindAllString(readRepoFile(t, file), -1) {
			base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
			if !exported[name] && !exported[base] {
				t.Errorf("%s queries %s, which no service exports", file, name)
			}
		}
	}
}

// The alert rules and the dashboard's queries parse, and the rules pass their unit tests
// (deploy/prometheus/alerts_test.yml), where promtool is installed.
func TestAlertRules(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed (Debian package prometheus)")
	}
	dashboard := dashboardRules(t)
	for _, args := range [][]string{{"check", "config", "prometheus.yml"}, {"test", "rules", "alerts_test.yml"},
		{"check", "rules", dashboard}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = "../../deploy/prometheus"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %v: %v\n%s", args, err, out)
		}
	}
}

// dashboardRules writes the dashboard's queries as recording rules (Grafana's rate interval as
// 5m), for promtool to parse; it returns the file's path.
func dashboardRules(t *testing.T) string {
	t.Helper()
	var dash struct {
		Panels []struct {
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal([]byte(readRepoFile(t, "deploy/grafana/dashboards/fleetbackup.json")), &dash); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("groups:\n  - name: dashboard\n    rules:\n")
	n := 0
	for _, p := range dash.Panels {
		for _, q := range p.Targets {
			expr, _ := json.Marshal(strings.ReplaceAll(q.Expr, "$__rate_interval", "5m"))
			fmt.Fprintf(&b, "      - record: dashboard:query%d\n        expr: %s\n", n, expr)
			n++
		}
	}
	if n == 0 {
		t.Fatal("the dashboard has no queries")
	}
	path := filepath.Join(t.TempDir(), "dashboard.yml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// exportedNames gathers a planner's registry once every series has a sample: the runtime's
// observations, the schedule counters, and the runs bucket with a scheduled run completed.
func exportedNames(t *testing.T) map[string]bool {
	t.Helper()
	h := NewHealth("planner", "dev", nil)
	ctx := metrics.NewContext(context.Background(), h.Metrics())
	o := opworker.ObserverFrom(ctx)
	o.OperationEnded("stop", "completed")
	o.OperationTook("stop", time.Second)
	o.LeaseTakenOver("stop")
	o.CanisterDowntime(runs.KindBackup, time.Second)
	metrics.ScheduleFired(ctx, "nightly")
	metrics.ScheduleSkipped(ctx, "nightly")
	kv, err := bustest.JetStream(t).CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "docs_runs"})
	if err != nil {
		t.Fatal(err)
	}
	id := schedule.RunID("nightly", time.Now())
	rec, _ := json.Marshal(runs.Record{RunID: id, Kind: runs.KindBackup, State: runs.Completed, UpdatedAt: time.Now().Format(time.RFC3339Nano)})
	if _, err := kv.Put(ctx, id, rec); err != nil {
		t.Fatal(err)
	}
	if err := h.ObserveRuns(kv); err != nil {
		t.Fatal(err)
	}
	families, err := h.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range families {
		if strings.HasPrefix(f.GetName(), "fleetbackup_") {
			names[f.GetName()] = true
		}
	}
	return names
}

// readRepoFile reads a file of the repository from the package's directory (pkg/svc).
func readRepoFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile("../../" + path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
