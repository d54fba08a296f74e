// Command fakeicp is a stand-in for the `icp` CLI 1.5.0, built by the icp executor's tests.
//
// It accepts exactly the command-line grammar the executor relies on (ACCEPTED-COMMAND-LINES.txt)
// and refuses anything else like clap does (exit 2, "error: ..." and a usage line). Commands act
// on a simulated fleet (package sim) whose state directory is shared with the test:
//
//	FAKEICP_SIM_STATE           the sim state directory (required)
//	FAKEICP_SIM_FLEET           the sim fleet file, on first use of the state directory
//	FAKEICP_SIM_ARTIFACT_BYTES  memory bytes per snapshot
//	FAKEICP_SIM_LATENCY         call latencies, in --sim-latency syntax
//	FAKEICP_SIM_MAX_SNAPSHOTS   snapshots a canister may hold
//
// Failures of the simulator (including faults injected with sim.InjectFault: transient,
// permanent, lost-reply, hang) are printed as icp prints agent errors — "Error:", "Caused by:"
// with the IC's reject code, a stack backtrace — and exit 1. Further knobs:
//
//	FAKEICP_GARBAGE         call kinds (status, snapshot, list, upload, registry, registry-candid)
//	                        whose successful output is replaced by garbage
//	FAKEICP_REGISTRY_ERR    CODE:MESSAGE — the registry query answers the Candid Err variant
//	FAKEICP_LOG             a file to which every invocation appends a JSON line (argv, cwd,
//	                        DO_NOT_TRACK, process group)
//	FAKEICP_CHILD_PIDFILE   start a child process that never exits and write its pid here
//	                        (to test that the whole process group is killed)
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

func main() {
	if os.Getenv("FAKEICP_ROLE") == "sleeper" {
		time.Sleep(24 * time.Hour)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit status.
func run(ctx context.Context, argv []string, stdout, stderr io.Writer) int {
	if err := logInvocation(argv); err != nil {
		fmt.Fprintf(stderr, "Error: fakeicp: writing FAKEICP_LOG: %v\n", err)
		return 1
	}
	inv, uerr := parse(argv)
	if uerr != nil {
		fmt.Fprintf(stderr, "error: %s\n\nUsage: %s\n\nFor more information, try '--help'.\n", uerr.message, uerr.usage)
		return 2
	}
	if os.Getenv("DO_NOT_TRACK") != "1" {
		fmt.Fprintln(stderr, "Note: icp collects anonymous usage data. Set DO_NOT_TRACK=1 to opt out.")
	}
	if err := startChild(); err != nil {
		return fail(stderr, "fakeicp: starting the child process", err.Error())
	}
	if msg := checkTarget(inv); msg != "" {
		return fail(stderr, msg, "")
	}
	return dispatch(ctx, inv, stdout, stderr)
}

// checkTarget applies icp's runtime rules on network selection.
func checkTarget(inv *invocation) string {
	network := inv.opts["network"]
	if isURL(network) && !inv.has("root-key") {
		return fmt.Sprintf("a root key (--root-key) is required when connecting to network %s by URL", network)
	}
	if key, ok := inv.opts["root-key"]; ok && key != "mainnet" && key != "fetch" && len(key) != 266 {
		return fmt.Sprintf("invalid root key '%s'", key)
	}
	if inv.has("environment") {
		if _, err := os.Stat("icp.yaml"); err != nil {
			return "failed to locate project directory"
		}
	}
	if file, ok := inv.opts["identity-password-file"]; ok {
		if _, err := os.ReadFile(file); err != nil {
			return fmt.Sprintf("failed to read identity password file %s", file)
		}
	}
	return ""
}

func isURL(s string) bool {
	return len(s) > 7 && (s[:7] == "http://" || (len(s) > 8 && s[:8] == "https://"))
}

// logInvocation appends one JSON line describing this process to FAKEICP_LOG.
func logInvocation(argv []string) error {
	path := os.Getenv("FAKEICP_LOG")
	if path == "" {
		return nil
	}
	cwd, _ := os.Getwd()
	pgid, _ := syscall.Getpgid(0)
	line, err := json.Marshal(map[string]any{
		"args": argv, "cwd": cwd, "do_not_track": os.Getenv("DO_NOT_TRACK"),
		"pid": os.Getpid(), "pgid": pgid, "icp_network": os.Getenv("ICP_NETWORK"),
	})
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.Write(append(line, '\n'))
	return err
}

// startChild starts a never-ending copy of this program in the same process group and records
// its pid, when FAKEICP_CHILD_PIDFILE asks for it.
func startChild() error {
	path := os.Getenv("FAKEICP_CHILD_PIDFILE")
	if path == "" {
		return nil
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	child := exec.Command(self)
	child.Env = append(os.Environ(), "FAKEICP_ROLE=sleeper")
	if err := child.Start(); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(child.Process.Pid)), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Clean(path))
}
