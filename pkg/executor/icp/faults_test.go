package icp

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/candid"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// icp exits 1 with a transient-looking error: the error is transient (the pipeline retries it)
// and carries the error chain without the backtrace; the retry succeeds.
func TestTransientFaultThenRetry(t *testing.T) {
	f := newFleet(t, Config{})
	c := f.member(5)
	f.inject(sim.Fault{Call: sim.KindStop, Canister: c, Mode: sim.ModeTransient, Times: 1, Message: "replica busy"})
	err := f.exec.Stop(context.Background(), c)
	mustClass(t, err, executor.ErrTransient, ErrCommandFailed)
	msg := err.Error()
	for _, noise := range []string{"Stack backtrace", "libunwind", "lang_start", "\n"} {
		if strings.Contains(msg, noise) {
			t.Errorf("message keeps %q: %s", noise, msg)
		}
	}
	if !strings.Contains(msg, "failed to stop canister "+c) || !strings.Contains(msg, "reject code SysTransient") ||
		!strings.Contains(msg, "exited with status 1") {
		t.Errorf("message: %s", msg)
	}
	if err := f.exec.Stop(context.Background(), c); err != nil {
		t.Fatalf("retry: %v", err)
	}
}

func TestPermanentFault(t *testing.T) {
	f := newFleet(t, Config{})
	c := f.member(5)
	f.inject(sim.Fault{Call: sim.KindSnapshot, Mode: sim.ModePermanent, Message: "caller is not a controller"})
	if err := f.exec.Stop(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	_, err := f.exec.CreateSnapshot(context.Background(), c)
	mustClass(t, err, executor.ErrPermanent, ErrCommandFailed)
	if !strings.Contains(err.Error(), "caller is not a controller") {
		t.Fatalf("message: %v", err)
	}
}

// A lost reply (the call took effect, icp reports a timeout) is transient.
func TestLostReplyIsTransient(t *testing.T) {
	f := newFleet(t, Config{})
	c := f.member(5)
	f.inject(sim.Fault{Call: sim.KindStart, Canister: c, Mode: sim.ModeLostReply, Times: 1})
	mustClass(t, f.exec.Start(context.Background(), c), executor.ErrTransient, ErrCommandFailed)
}

// A hung icp is killed at its timeout together with its process group (here, a child it started).
// The timeout leaves a loaded machine time to start the fake icp and its child before the kill.
func TestHangKilledAtTimeoutWithProcessGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	f := newFleet(t, Config{Timeout: 3 * time.Second}, "FAKEICP_CHILD_PIDFILE="+pidFile)
	c := f.member(6)
	f.inject(sim.Fault{Call: sim.KindStatus, Canister: c, Mode: sim.ModeHang, Times: 1})
	began := time.Now()
	_, err := f.exec.Status(context.Background(), c)
	mustClass(t, err, executor.ErrTransient, ErrTimeout)
	if took := time.Since(began); took > 10*time.Second {
		t.Fatalf("took %s", took)
	}
	if !strings.Contains(err.Error(), "killed with its process group after the 3s timeout") {
		t.Fatalf("message: %v", err)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	child, _ := strconv.Atoi(string(data))
	eventually(t, 10*time.Second, "the child to die", func() bool { return !alive(child) })
	// The retry (the fault was used up) succeeds.
	mustStatus(t, f, c, executor.StatusRunning)
}

// alive reports whether pid is a live process (a zombie counts as dead).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	_, after, _ := strings.Cut(string(stat), ") ")
	return !strings.HasPrefix(after, "Z")
}

// Cancelling the context kills the command at once; the error unwraps to context.Canceled.
func TestContextCancelKillsCommand(t *testing.T) {
	f := newFleet(t, Config{})
	c := f.member(6)
	f.inject(sim.Fault{Call: sim.KindStop, Canister: c, Mode: sim.ModeHang, Times: 1})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.exec.Stop(ctx, c) }()
	eventually(t, 10*time.Second, "the fake to start", func() bool { return len(f.invocations()) == 1 })
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) || !executor.IsTransient(err) {
		t.Fatalf("got %v", err)
	}
}

// Garbage on stdout is a permanent error that says which command printed what.
func TestGarbageOutputIsPermanent(t *testing.T) {
	for _, kind := range []string{"status", "snapshot", "list", "registry", "registry-candid"} {
		t.Run(kind, func(t *testing.T) {
			f := newFleet(t, Config{}, "FAKEICP_GARBAGE="+kind)
			ctx, c := context.Background(), f.member(7)
			var err error
			switch kind {
			case "status":
				_, err = f.exec.Status(ctx, c)
			case "snapshot":
				if err = f.exec.Stop(ctx, c); err == nil {
					_, err = f.exec.CreateSnapshot(ctx, c)
				}
			case "list":
				_, err = f.exec.ListSnapshots(ctx, c)
			default:
				_, err = f.exec.Registry(ctx, f.sim.Root())
			}
			mustClass(t, err, executor.ErrPermanent, ErrBadOutput)
			if !strings.Contains(err.Error(), "canister") || !strings.Contains(err.Error(), "-n local") {
				t.Fatalf("message does not name the command: %v", err)
			}
		})
	}
}

// The root answering the Err variant is a permanent error carrying its code and message.
func TestRegistryErrReplyIsPermanent(t *testing.T) {
	f := newFleet(t, Config{}, "FAKEICP_REGISTRY_ERR=Unauthorized:caller is not allowed to read the registry")
	_, err := f.exec.Registry(context.Background(), f.sim.Root())
	var re *candid.RegistryError
	if !errors.As(err, &re) || re.Code != "Unauthorized" || !errors.Is(err, executor.ErrPermanent) {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "Unauthorized: caller is not allowed to read the registry") {
		t.Fatalf("message: %v", err)
	}
}

// A command line icp's parser refuses (exit 2) is permanent: it is a bug of ours.
func TestUsageErrorIsPermanent(t *testing.T) {
	f := newFleet(t, Config{})
	for _, args := range [][]string{
		{"canister", "call", f.sim.Root(), "canic_subnet_registry", "()", "--output", "json"},
		{"canister", "stop", f.member(1), "--bogus"},
		{"canister", "snapshot", "download", f.member(1), "ab"},
	} {
		_, _, err := f.exec.run(context.Background(), kindStop, args)
		mustClass(t, err, executor.ErrPermanent, ErrUsage)
		if strings.Contains(err.Error(), "Usage:") || !strings.Contains(err.Error(), "exit status 2") {
			t.Errorf("message: %v", err)
		}
	}
}
