package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/schedule"
)

// scheduleServer starts a NATS server with an installation (no services: nothing fires runs)
// and returns its URL and a JetStream context on it.
func scheduleServer(t *testing.T) (string, jetstream.JetStream) {
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
	names, _ := bus.NewNames("")
	if err := bus.Setup(context.Background(), js, names, bus.SetupConfig{}); err != nil {
		t.Fatal(err)
	}
	return srv.ClientURL(), js
}

// fbSchedule runs `fleetbackup schedule args…` and returns its exit status and outputs.
func fbSchedule(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	code := Main(context.Background(), env, append([]string{"schedule"}, args...))
	return code, out.String(), errOut.String()
}

// A schedule's prune policy is given with prune's --keep-* flags, refused as prune refuses
// them, published as the Fleetbackup-Prune header, shown by schedule list (KEEP, and prune in
// --json) and replaced with the definition.
func TestSchedulePrunePolicyFlags(t *testing.T) {
	url, js := scheduleServer(t)
	req := []string{"--cron", "0 0 2 * * *", "--fleet", "demo", "--network", "local", "--root", "aaaaa-aa", "--nats-url", url}
	code, out, errOut := fbSchedule(t, append([]string{"create", "nightly", "--keep-last", "2", "--keep-daily", "7"}, req...)...)
	if code != 0 {
		t.Fatalf("create: exit %d\n%s%s", code, out, errOut)
	}
	wantContains(t, "create", out, "prunes its own backups (nightly-<UTC time>) at each firing: keep last 2, daily 7")
	if code, _, errOut := fbSchedule(t, append([]string{"create", "plain"}, req...)...); code != 0 {
		t.Fatalf("create plain: exit %d %s", code, errOut)
	}
	for _, bad := range []struct {
		args []string
		say  string
	}{
		{[]string{"--keep-last", "0"}, "keeps nothing"},
		{[]string{"--keep-last", "0", "--keep-daily", "0"}, "keeps nothing"},
		{[]string{"--keep-weekly", "-1"}, "keep-weekly -1"},
		{[]string{"--keep-monthly", "x"}, "keep-monthly"},
	} {
		code, _, errOut := fbSchedule(t, append(append([]string{"create", "bad"}, bad.args...), req...)...)
		if code != ExitUsage || !strings.Contains(errOut, bad.say) {
			t.Errorf("create %v: exit %d, want %d saying %q:\n%s", bad.args, code, ExitUsage, bad.say, errOut)
		}
	}
	stray := nats.NewMsg("fleetbackup.schedules.stray")
	stray.Header.Set(schedule.HeaderSchedule, "@daily")
	stray.Header.Set(schedule.HeaderTarget, "fleetbackup.runs.request")
	stray.Header.Set(schedule.HeaderPrune, "keep-last=0")
	if _, err := js.PublishMsg(context.Background(), stray); err != nil {
		t.Fatal(err)
	}
	code, out, _ = fbSchedule(t, "list", "--nats-url", url)
	if code != 0 {
		t.Fatalf("list: exit %d", code)
	}
	wantContains(t, "list", out, "KEEP", "last 2, daily 7", "invalid: keep-last=0")
	listed := listPrune(t, url)
	if listed["nightly"] != "keep-last=2,keep-daily=7" || listed["plain"] != "" || listed["stray"] != "keep-last=0" {
		t.Errorf("list --json prune = %v", listed)
	}
	if code, _, errOut := fbSchedule(t, append([]string{"create", "nightly", "--replace"}, req...)...); code != 0 {
		t.Fatalf("replace: exit %d %s", code, errOut)
	}
	if p := listPrune(t, url)["nightly"]; p != "" {
		t.Errorf("after --replace without --keep-*: prune %q, want none", p)
	}
}

// listPrune maps each schedule to its prune policy as schedule list --json prints it.
func listPrune(t *testing.T, url string) map[string]string {
	t.Helper()
	code, out, _ := fbSchedule(t, "list", "--json", "--nats-url", url)
	var rows []struct {
		Name  string `json:"name"`
		Prune string `json:"prune"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil || code != 0 {
		t.Fatalf("list --json: exit %d, %v\n%s", code, err, out)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r.Name] = r.Prune
	}
	return got
}
