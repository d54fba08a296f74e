package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// recordsServer starts a NATS server on a TCP port with an installation, and seeds runs: two
// old enough to purge (one completed, one failed), a recent one and a running one, each with
// a plan and two operation records.
func recordsServer(t *testing.T) string {
	t.Helper()
	srv, err := bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: t.TempDir(), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	nc, js, err := bus.Connect(bus.ConnectConfig{URL: srv.ClientURL(), Name: t.Name()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	ctx := context.Background()
	names, _ := bus.NewNames("")
	if err := bus.Setup(ctx, js, names, bus.SetupConfig{}); err != nil {
		t.Fatal(err)
	}
	s, err := runstore.OpenStore(ctx, js, names)
	if err != nil {
		t.Fatal(err)
	}
	old, recent := time.Now().Add(-48*time.Hour), time.Now()
	for _, r := range []struct {
		id    string
		state runs.State
		at    time.Time
	}{{"old-done", runs.Completed, old}, {"old-failed", runs.Failed, old}, {"new-done", runs.Completed, recent},
		{"old-running", runs.Running, old}} {
		rec := runs.Record{RunID: r.id, Kind: runs.KindBackup, State: r.state, UpdatedAt: r.at.UTC().Format(time.RFC3339Nano)}
		if _, err := s.Runs.Create(ctx, r.id, rec); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{runstore.OpKey(r.id, 0), runstore.OpKey(r.id, 1)} {
			if _, err := s.Ops.KV.Put(ctx, key, []byte(`{}`)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Plans.Put(ctx, r.id, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	return srv.ClientURL()
}

// records runs `fleetbackup records args…` and returns its exit status and outputs.
func records(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	code := Main(context.Background(), env, append([]string{"records"}, args...))
	return code, out.String(), errOut.String()
}

func wantContains(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

func TestRecordsPurgeAndStats(t *testing.T) {
	url := recordsServer(t)
	code, out, _ := records(t, "stats", "--nats-url", url)
	if code != 0 {
		t.Fatalf("stats: exit %d", code)
	}
	wantContains(t, "stats", out, "BUCKET", "fleetbackup_ops", "8 ", "fleetbackup_runs", "4 ", "total")
	code, out, _ = records(t, "purge", "--older-than", "24h", "--dry-run", "--nats-url", url)
	if code != 0 {
		t.Fatalf("dry run: exit %d", code)
	}
	wantContains(t, "dry run", out, "old-done", "dry run: would purge the records of 1 run older than 24h0m0s: 4 keys, 4 messages",
		"kept 3 runs:", "1 changed within the retention age", "1 not finished", "1 failed")
	code, out, _ = records(t, "purge", "--older-than", "24h", "--nats-url", url)
	if code != 0 || strings.Contains(out, "old-failed") {
		t.Fatalf("purge: exit %d\n%s", code, out)
	}
	wantContains(t, "purge", out, "RUN", "old-done", "completed", "purged the records of 1 run older than 24h0m0s: 4 keys")
	code, out, _ = records(t, "purge", "--older-than", "24h", "--include-failed", "--json", "--nats-url", url)
	var rep struct {
		Purged []struct {
			RunID string `json:"run_id"`
			Keys  int    `json:"keys"`
		} `json:"purged"`
		IncludeFailed bool `json:"include_failed"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 {
		t.Fatalf("purge --json: exit %d, %v\n%s", code, err, out)
	}
	if len(rep.Purged) != 1 || rep.Purged[0].RunID != "old-failed" || rep.Purged[0].Keys != 4 || !rep.IncludeFailed {
		t.Fatalf("purge --include-failed: %+v", rep)
	}
	_, out, _ = records(t, "stats", "--json", "--nats-url", url)
	var sizes []runstore.BucketSize
	if err := json.Unmarshal([]byte(out), &sizes); err != nil {
		t.Fatal(err)
	}
	for _, b := range sizes {
		if b.Bucket == "fleetbackup_runs" && b.Keys != 2 || b.Bucket == "fleetbackup_ops" && b.Keys != 4 {
			t.Errorf("after the purges: %+v", b)
		}
	}
}

func TestRecordsUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"frob"}, {"purge"}, {"purge", "--older-than", "-1h"}, {"stats", "extra"},
		{"purge", "--no-such-flag"}} {
		if code, _, _ := records(t, args...); code != ExitUsage {
			t.Errorf("records %q: exit %d, want %d", args, code, ExitUsage)
		}
	}
	for _, args := range [][]string{{"--help"}, {"purge", "--help"}, {"stats", "-h"}} {
		code, out, _ := records(t, args...)
		if code != 0 {
			t.Errorf("records %q: exit %d", args, code)
		}
		wantContains(t, strings.Join(args, " "), out, "Usage: fleetbackup records", "Example:\n  fleetbackup records")
	}
	if code, _, errOut := records(t, "stats", "--nats-url", "nats://127.0.0.1:1"); code != ExitFailed ||
		!strings.Contains(errOut, "connecting to NATS") {
		t.Errorf("stats without a server: exit %d, %s", code, errOut)
	}
}
