package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
)

// backupForRestore backs up selector's subtree on d through the CLI and returns the members'
// canister ids and their content at backup time.
func backupForRestore(t *testing.T, d *devServer, runID, selector string) ([]string, map[string]string) {
	t.Helper()
	r := fb(t, "", append([]string{"run"}, d.request(runID, selector)...)...)
	wantCode(t, r, 0)
	m, err := layout.ReadManifest(filepath.Join(d.backupRoot, runID))
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(m.Fleet.Members))
	for i, mem := range m.Fleet.Members {
		ids[i] = mem.CanisterID
	}
	return ids, simContents(t, d, ids)
}

func simContents(t *testing.T, d *devServer, ids []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, id := range ids {
		c, err := sim.Content(d.simState, id)
		if err != nil {
			t.Fatal(err)
		}
		out[id] = c
	}
	return out
}

// mutate changes every canister's content, and checks that it changed.
func mutate(t *testing.T, d *devServer, ids []string, before map[string]string) {
	t.Helper()
	if err := sim.MutateAll(d.simState, ids); err != nil {
		t.Fatal(err)
	}
	for id, c := range simContents(t, d, ids) {
		if c == before[id] {
			t.Fatalf("mutating %s changed nothing", id)
		}
	}
}

func wantContents(t *testing.T, d *devServer, ids []string, want map[string]string) {
	t.Helper()
	for id, c := range simContents(t, d, ids) {
		if c != want[id] {
			t.Fatalf("canister %s holds %s, want the backed-up %s", id, c, want[id])
		}
	}
}

// A restore through the CLI: `restore run` publishes, follows with restore phases and brings the
// backed-up content back; status, list and watch show it as a restore.
func TestRestoreRunRoundTrip(t *testing.T) {
	d := startDev(t, "--sim-artifact-bytes", "65536", "--sim-latency", "stop=1ms")
	ids, backedUp := backupForRestore(t, d, "rb-1", "user_hub")
	mutate(t, d, ids, backedUp)

	restore := append([]string{"restore", "run", "rb-1", "--run-id", "rr-1"}, d.nats()...)
	r := fb(t, "", restore...)
	wantCode(t, r, 0)
	wantIn(t, "restore run", r.stdout, "submitted restore rr-1 to fleetbackup.restores.request",
		"upload    user_hub", "stop      user_shard_1", "load      user_shard_2", "start     user_shard_3",
		"check     user_hub", "finalize  finalize-restore  done", "run rr-1 completed", "(restore of backup rb-1)",
		"restore directory: "+filepath.Join(d.backupRoot, "rb-1", "restores", "rr-1"), "restore-apply-journal.json")
	for _, not := range []string{"snapshot  ", "download  ", "verify  ", "preflight upload"} {
		if strings.Contains(r.stdout, not) {
			t.Fatalf("restore progress shows %q:\n%s", not, r.stdout)
		}
	}
	wantContents(t, d, ids, backedUp)

	r = fb(t, "", "status", "rr-1", "--nats-url", d.url)
	wantCode(t, r, 0)
	wantIn(t, "status", r.stdout, "kind        restore", "backup      rb-1", "state       completed",
		"directory   "+filepath.Join(d.backupRoot, "rb-1", "restores", "rr-1"), "journal     ")
	wantIn(t, "backup status", fb(t, "", "status", "rb-1", "--nats-url", d.url).stdout, "kind        backup",
		"backup      "+filepath.Join(d.backupRoot, "rb-1"))
	r = fb(t, "", "list", "--nats-url", d.url)
	wantCode(t, r, 0)
	wantIn(t, "list", r.stdout, "RUN   KIND     STATE", "rr-1  restore  completed", "from rb-1", "rb-1  backup   completed")
	r = fb(t, "", "list", "--kind", "restore", "--json", "--nats-url", d.url)
	var recs []struct {
		RunID    string `json:"run_id"`
		Kind     string `json:"kind"`
		BackupID string `json:"backup_id"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &recs); err != nil || len(recs) != 1 || recs[0].BackupID != "rb-1" {
		t.Fatalf("list --kind restore --json: %v\n%s", err, r)
	}
	r = fb(t, "", append([]string{"watch", "rr-1"}, d.nats()...)...)
	wantCode(t, r, 0)
	wantIn(t, "watch", r.stdout, "load      user_hub", "run rr-1 completed")

	// --detach publishes and prints the run id; watch follows that restore to its end.
	r = fb(t, "", append([]string{"restore", "run", "rb-1", "--run-id", "rr-detached", "--detach", "--keep-uploaded-snapshots"}, d.nats()...)...)
	wantCode(t, r, 0)
	if strings.TrimSpace(r.stdout) != "rr-detached" {
		t.Fatalf("restore run --detach printed more than the run id:\n%s", r)
	}
	wantIn(t, "watch", fb(t, "", append([]string{"watch", "rr-detached", "--wait"}, d.nats()...)...).stdout, "run rr-detached completed")

	// The same request follows the same run; another request under its id is bad input; a backup
	// the planner does not have is rejected (exit 1) with the reason.
	r = fb(t, "", restore...)
	wantCode(t, r, 0)
	wantIn(t, "restore again", r.stdout, "restore rr-1 exists already for this request")
	wantCode(t, fb(t, "", append(restore, "--order", "strict")...), 2)
	r = fb(t, "", append([]string{"restore", "run", "no-such-backup", "--run-id", "rr-none"}, d.nats()...)...)
	wantCode(t, r, 1)
	wantIn(t, "rejected restore", r.stdout+r.stderr, "rr-none was rejected", "no backup no-such-backup under the backup root")
}

// A restore that fails after its loads began waits for the operator: `restore run` says what to
// do; abort without --force is refused; abort --force ends it and starts the canisters. A second
// restore that fails the same way is continued forward by retry.
func TestRestoreAttentionAbortForceAndRetry(t *testing.T) {
	d := startDev(t, "--sim-artifact-bytes", "65536", "--sim-latency", "stop=1ms")
	ids, backedUp := backupForRestore(t, d, "rb-2", "asset_hub")
	mutate(t, d, ids, backedUp)
	fault := sim.Fault{Call: sim.KindLoad, Canister: ids[len(ids)-1], Mode: sim.ModePermanent, Times: 1, Message: "load refused (injected)"}
	if err := sim.InjectFault(d.simState, fault); err != nil {
		t.Fatal(err)
	}
	r := fb(t, "", append([]string{"restore", "run", "rb-2", "--run-id", "rr-2"}, d.nats()...)...)
	wantCode(t, r, 1)
	wantIn(t, "failed restore", r.stdout, "run rr-2 failed", "load refused (injected)", "ATTENTION REQUIRED",
		"fleetbackup retry rr-2", "fleetbackup abort --force rr-2")
	wantIn(t, "failed restore", r.stderr, "needs attention", "fleetbackup abort --force rr-2")
	r = fb(t, "", "status", "rr-2", "--nats-url", d.url)
	wantIn(t, "status", r.stdout, "state       failed", "loads       begun", "attention   required: ", "failed      load-")
	wantIn(t, "list", fb(t, "", "list", "--nats-url", d.url).stdout, "ATTENTION: retry or abort --force")

	r = fb(t, "", append([]string{"abort", "rr-2"}, d.nats()...)...)
	wantCode(t, r, 1)
	wantIn(t, "abort without --force", r.stderr, "refused", "abort needs force", "fleetbackup abort --force rr-2")
	r = fb(t, "", append([]string{"abort", "--force", "rr-2"}, d.nats()...)...)
	wantCode(t, r, 0)
	wantIn(t, "abort --force", r.stdout, "run rr-2 aborted")
	wantIn(t, "status", fb(t, "", "status", "rr-2", "--nats-url", d.url).stdout, "state       aborted")

	// The same failure again; retry continues the restore forward to the backed-up content.
	if err := sim.InjectFault(d.simState, fault); err != nil {
		t.Fatal(err)
	}
	wantCode(t, fb(t, "", append([]string{"restore", "run", "rb-2", "--run-id", "rr-3", "--order", "strict"}, d.nats()...)...), 1)
	r = fb(t, "", append([]string{"retry", "rr-3"}, d.nats()...)...)
	wantCode(t, r, 0)
	wantIn(t, "retry", r.stdout, "run rr-3 completed")
	wantContents(t, d, ids, backedUp)
}
