package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/icp/icptest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// The restore round trip with every service process driving the icp executor against the fake
// icp (each management call a separate `icp` process on the shared simulated fleet): back up a
// 9-canister subtree, mutate it, restore, back up again. The checksums come back, the content
// comes back, and the fake's own log shows each target got one `icp canister snapshot upload`,
// one `restore` of the id that upload printed and one `delete` of it.
func TestRestoreThroughFakeICP(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{1, 2, 3}), 4096)
	c := newCluster(t, f)
	bin := icptest.Fake(t)
	icpLog := filepath.Join(t.TempDir(), "icp-invocations.jsonl")
	env := icptest.Env(sim.Config{StateDir: f.StateDir, FleetFile: f.File, ArtifactBytes: 4096}, "FAKEICP_LOG="+icpLog)
	for _, s := range services {
		c.rpStartICP(s, bin, env)
	}
	first := rpBackup(t, c, "backup-1")
	targets := embeddedtest.Members(t, *first.BackupDir)
	if len(targets) != 9 {
		t.Fatalf("the backup has %d members, want 9", len(targets))
	}
	want := rpMutate(t, f.StateDir, targets)

	ctx := testCtx(t, 90*time.Second)
	rpSubmitRestore(t, ctx, c, "r1", "backup-1")
	rec := rpWaitCompleted(t, ctx, c, "r1", "backup-1")
	tally := rpCheckRestored(t, f, targets, want, true)
	rpCheckDocuments(t, c, rec, "backup-1", tally, targets)
	rpCheckICPCommands(t, icpLog, tally, targets)
	second := rpBackup(t, c, "backup-2")
	if a, b := embeddedtest.Checksums(t, *first.BackupDir), embeddedtest.Checksums(t, *second.BackupDir); !embeddedtest.SameMaps(a, b) {
		t.Fatalf("checksums of the backup after the restore differ from the first backup's:\n%v\n%v", a, b)
	}
}

// rpStartICP launches one service process with the icp executor pointed at the fake icp; env
// backs the fake with the fleet's simulator state.
func (c *cluster) rpStartICP(service, icpBinary string, env []string) *proc {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	cmd := exec.Command(c.bins[service], "--nats-url", c.url, "--backup-root", c.backupRoot,
		"--executor", "icp", "--icp-binary", icpBinary, "--icp-network", "ic", "--icp-timeout", "30s",
		"--lease", c.lease.String(), "--log-format", "json", "--log-level", logLevel())
	cmd.Env = append(os.Environ(), env...)
	logFile, err := os.Create(filepath.Join(c.logs, fmt.Sprintf("%s-%d.log", service, c.seq)))
	if err != nil {
		c.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		c.t.Fatalf("starting %s: %v", service, err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); logFile.Close(); close(p.done) }()
	c.procs[service] = append(c.procs[service], p)
	return p
}

// rpCheckICPCommands reads the fake icp's invocation log: for every target, exactly one
// `canister snapshot upload <target>`, one `canister snapshot restore <target> <id>` and one
// `canister snapshot delete <target> <id>`, id being the snapshot the upload created.
func rpCheckICPCommands(t *testing.T, logPath string, tally rpTally, targets []string) {
	t.Helper()
	file, err := os.Open(logPath)
	if err != nil {
		t.Fatalf("the fake icp logged no invocation: %v", err)
	}
	defer file.Close()
	seen, total := map[string]int{}, 0
	sc := bufio.NewScanner(file)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct {
			Args []string `json:"args"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("fake icp log line %q: %v", sc.Text(), err)
		}
		total++
		i := slices.Index(line.Args, "snapshot")
		if i < 0 || i+2 >= len(line.Args) {
			continue
		}
		key := strings.Join(line.Args[i+1:min(i+4, len(line.Args))], " ")
		if line.Args[i+1] == "upload" {
			key = "upload " + line.Args[i+2]
		}
		seen[key]++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("the fake icp ran %d commands; snapshot commands by kind and target: %v", total, seen)
	for _, id := range targets {
		up := tally.uploads[id]
		if len(up) != 1 {
			continue // rpCheckRestored reported it
		}
		for _, key := range []string{"upload " + id, "restore " + id + " " + up[0], "delete " + id + " " + up[0]} {
			if seen[key] != 1 {
				t.Errorf("`icp canister snapshot %s` ran %d times, want once", key, seen[key])
			}
		}
	}
}
