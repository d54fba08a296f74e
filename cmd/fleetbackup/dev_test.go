package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// devServer is a running `fleetbackup dev`.
type devServer struct {
	cmd        *exec.Cmd
	url, root  string
	backupRoot string
	simState   string
	mu         sync.Mutex
	out        strings.Builder
	done       chan error
}

// startDev starts `fleetbackup dev` on a free port and waits until it prints its URL.
func startDev(t *testing.T, extra ...string) *devServer {
	t.Helper()
	data := t.TempDir()
	d := &devServer{backupRoot: filepath.Join(t.TempDir(), "backups"), simState: filepath.Join(data, "sim"), done: make(chan error, 1)}
	args := append([]string{"dev", "--port", "0", "--data", data, "--backup-root", d.backupRoot, "--log-level", "warn"}, extra...)
	d.cmd = exec.Command(bin, args...)
	d.cmd.Env = cleanEnv()
	stdout, err := d.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	go d.read(stdout, ready)
	go func() { d.done <- d.cmd.Wait() }()
	t.Cleanup(func() { d.stop(t) })
	select {
	case <-ready:
	case err := <-d.done:
		t.Fatalf("dev exited early (%v):\n%s", err, d.output())
	case <-time.After(time.Minute):
		t.Fatalf("dev did not print its URL within a minute:\n%s", d.output())
	}
	return d
}

func (d *devServer) read(stdout interface{ Read([]byte) (int, error) }, ready chan struct{}) {
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		d.mu.Lock()
		d.out.WriteString(line + "\n")
		fields := strings.Fields(line)
		switch {
		case strings.HasPrefix(line, "  NATS URL") && len(fields) == 3:
			d.url = fields[2]
		case strings.HasPrefix(line, "  sim fleet") && len(fields) > 5:
			d.root = strings.TrimSuffix(fields[5], ",")
		case strings.HasPrefix(line, "Press Ctrl-C"):
			close(ready)
		}
		d.mu.Unlock()
	}
}

func (d *devServer) output() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.out.String()
}

// stop sends SIGINT, as Ctrl-C would, and returns dev's exit status.
func (d *devServer) stop(t *testing.T) int {
	t.Helper()
	if d.cmd.ProcessState != nil {
		return d.cmd.ProcessState.ExitCode()
	}
	_ = d.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-d.done:
	case <-time.After(time.Minute):
		_ = d.cmd.Process.Kill()
		<-d.done
		t.Errorf("dev did not stop within a minute of SIGINT:\n%s", d.output())
	}
	return d.cmd.ProcessState.ExitCode()
}

// nats is the connection flags of a command against this dev installation.
func (d *devServer) nats() []string {
	return []string{"--nats-url", d.url, "--backup-root", d.backupRoot}
}

func (d *devServer) request(runID, selector string) []string {
	return append(d.nats(), "--fleet", "demo", "--network", "local", "--root", d.root, "--selector", selector, "--run-id", runID)
}

func TestDevRunStatusListWatch(t *testing.T) {
	d := startDev(t, "--sim-artifact-bytes", "65536", "--sim-latency", "stop=1ms")
	wantIn(t, "dev output", d.output(), "fleetbackup run --nats-url "+d.url, "nats --server "+d.url+" kv watch fleetbackup_runs")

	r := fb(t, "", append([]string{"run"}, d.request("dev-1", "user_hub")...)...)
	wantCode(t, r, 0)
	wantIn(t, "run output", r.stdout, "submitted run dev-1", "run       dev-1  completed",
		"backup directory: "+filepath.Join(d.backupRoot, "dev-1"))
	wantCode(t, fb(t, "", "verify", filepath.Join(d.backupRoot, "dev-1")), 0)

	r = fb(t, "", "status", "dev-1", "--json", "--nats-url", d.url)
	wantCode(t, r, 0)
	var rec struct {
		State  string `json:"state"`
		Counts struct{ Total, Completed int }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil || rec.State != "completed" || rec.Counts.Completed != 25 {
		t.Fatalf("status --json: %v\n%s", err, r)
	}
	wantIn(t, "status", fb(t, "", "status", "dev-1", "--nats-url", d.url).stdout, "state       completed")

	// The same request again follows the same run; another request under its id is refused.
	r = fb(t, "", append([]string{"run"}, d.request("dev-1", "user_hub")...)...)
	wantCode(t, r, 0)
	wantIn(t, "run again", r.stdout, "exists already for this request")
	wantCode(t, fb(t, "", append([]string{"run"}, d.request("dev-1", "game_hub")...)...), 2)
	r = fb(t, "", append([]string{"run"}, d.request("dev-bad", "nobody")...)...)
	wantCode(t, r, 2)
	wantIn(t, "rejected run", r.stdout+r.stderr, "rejected", `"nobody"`)

	r = fb(t, "", "list", "--json", "--nats-url", d.url)
	wantCode(t, r, 0)
	var recs []struct {
		RunID string `json:"run_id"`
		State string `json:"state"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &recs); err != nil || len(recs) != 2 || recs[0].RunID != "dev-bad" {
		t.Fatalf("list --json: %v\n%s", err, r)
	}
	wantIn(t, "list", fb(t, "", "list", "--nats-url", d.url).stdout, "dev-1", "completed", "dev-bad", "rejected")

	// Piped, watch prints plain lines; retry and abort of a completed run are refused.
	r = fb(t, "", append([]string{"watch", "dev-1"}, d.nats()...)...)
	wantCode(t, r, 0)
	wantIn(t, "watch", r.stdout, "run       dev-1  completed", "verify    user_shard_2")
	if strings.Contains(r.stdout, "\x1b[") {
		t.Fatalf("piped watch output holds terminal escapes:\n%s", r)
	}
	wantCode(t, fb(t, "", "watch", "dev-none", "--nats-url", d.url), 1)
	for _, action := range []string{"retry", "abort"} {
		r = fb(t, "", action, "dev-1", "--nats-url", d.url)
		wantCode(t, r, 1)
		wantIn(t, action, r.stderr, "refused", "completed")
	}
	if code := d.stop(t); code != 0 {
		t.Fatalf("dev exited %d on SIGINT:\n%s", code, d.output())
	}
}

func TestWatchOnATerminalShowsProgress(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script (util-linux) is not installed")
	}
	d := startDev(t, "--sim-artifact-bytes", "1048576", "--sim-latency", "stop=50ms,snapshot=50ms,download=800ms")
	r := fb(t, "", append([]string{"run", "--detach"}, d.request("dev-tty", "game_hub")...)...)
	wantCode(t, r, 0)
	wantIn(t, "run --detach", r.stdout, "dev-tty")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	watch := strings.Join(append([]string{bin, "watch", "dev-tty", "--wait"}, d.nats()...), " ")
	cmd := exec.CommandContext(ctx, script, "-qfec", watch, "/dev/null")
	cmd.Env = append(cleanEnv(), "COLUMNS=120", "LINES=40")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("watch under a terminal: %v\n%s", err, out)
	}
	text := string(out)
	frames := strings.Count(text, "\x1b[J")
	if frames < 2 {
		t.Fatalf("watch drew %d frames, want progress redrawn in place:\n%q", frames, text)
	}
	wantIn(t, "terminal watch", text, "\x1b[?25l", "\x1b[?25h", "█", "download", "game_shard_3", "run dev-tty completed")
}

func TestRetryAfterAFailure(t *testing.T) {
	d := startDev(t, "--sim-artifact-bytes", "65536", "--sim-latency", "stop=1ms")
	fault := sim.Fault{Call: sim.KindDownload, Mode: sim.ModePermanent, Times: 1, Message: "disk full (injected)"}
	if err := sim.InjectFault(d.simState, fault); err != nil {
		t.Fatal(err)
	}
	r := fb(t, "", append([]string{"run"}, d.request("dev-fail", "asset_hub")...)...)
	wantCode(t, r, 1)
	wantIn(t, "failed run", r.stdout, "failed", "disk full (injected)", "fleetbackup retry dev-fail")
	r = fb(t, "", "status", "dev-fail", "--nats-url", d.url)
	wantCode(t, r, 0)
	wantIn(t, "status", r.stdout, "state       failed", "failed      download-")
	r = fb(t, "", append([]string{"retry", "dev-fail"}, d.nats()...)...)
	wantCode(t, r, 0)
	wantIn(t, "retry", r.stdout, "run dev-fail completed")
	if _, err := os.Stat(filepath.Join(d.backupRoot, "dev-fail", "fleet-backup-manifest.json")); err != nil {
		t.Fatalf("retried run wrote no manifest: %v", err)
	}
}

func TestAbortRestartsWhatItStopped(t *testing.T) {
	d := startDev(t, "--sim-artifact-bytes", "65536", "--sim-latency", "stop=1ms,download=6s")
	wantCode(t, fb(t, "", append([]string{"run", "--detach"}, d.request("dev-abort", "user_hub")...)...), 0)
	waitForDownloads(t, d, "dev-abort")
	r := fb(t, "", append([]string{"abort", "dev-abort"}, d.nats()...)...)
	wantCode(t, r, 0)
	wantIn(t, "abort", r.stdout, "run dev-abort aborted", "containment: every canister this run stopped was started again")
	for _, role := range []string{"user_hub", "user_shard_1"} {
		wantIn(t, "abort", r.stdout, "start     "+role)
	}
}

// waitForDownloads follows the run with `watch --json` until every stop completed and the run
// is still running.
func waitForDownloads(t *testing.T, d *devServer, runID string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "watch", runID, "--json", "--wait", "--nats-url", d.url)
	cmd.Env = cleanEnv()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = cmd.Wait() }()
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		var rec struct {
			State  string `json:"state"`
			Counts struct {
				Stops int `json:"stops_completed"`
			} `json:"counts"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.State == "running" && rec.Counts.Stops == 4 {
			return
		}
	}
	t.Fatalf("run %s ended or was lost before its downloads", runID)
}
