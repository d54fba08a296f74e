package icp

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/document"
)

// Output bounds: stdout as large as any document we read, stderr enough for the error chain.
const (
	maxStdout = document.MaxSize
	maxStderr = 64 << 10
	// waitDelay bounds the wait for output pipes once the process group is killed.
	waitDelay = 2 * time.Second
)

// run executes one icp command (args, then the network and identity flags) and returns its
// stdout, or a *CommandError. The command runs in its own process group, which is killed with
// SIGKILL at the command's timeout or when ctx ends.
func (e *Executor) run(ctx context.Context, kind string, args []string) ([]byte, string, error) {
	argv := slices.Concat(args, e.cfg.targetFlags())
	line := strings.Join(append([]string{e.cfg.Binary}, argv...), " ")
	timeout := e.timeout(kind)
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	cmd := exec.CommandContext(cctx, e.cfg.Binary, argv...)
	cmd.Dir = e.cfg.ProjectRoot
	cmd.Env = e.env
	cmd.SysProcAttr = procAttr()
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = waitDelay
	stdout, stderr := &capped{limit: maxStdout}, &capped{limit: maxStderr}
	cmd.Stdout, cmd.Stderr = stdout, stderr

	err := runOnLockedThread(cmd)
	if errors.Is(err, exec.ErrWaitDelay) {
		// icp exited 0 but something it started held the output pipes past waitDelay: the
		// output so far is its output (a truncated one fails to parse).
		err = nil
	}
	switch {
	case err == nil && stdout.overflow:
		return nil, line, badOutput(line, fmt.Sprintf("more than %d bytes", maxStdout), stdout.buf)
	case err == nil:
		return stdout.buf, line, nil
	case ctx.Err() != nil:
		return nil, line, commandError(line, -1, true, ctx.Err(), fmt.Sprintf("`%s` interrupted: %v", line, ctx.Err()))
	case cctx.Err() != nil:
		return nil, line, commandError(line, -1, true, ErrTimeout,
			fmt.Sprintf("`%s` killed with its process group after the %s timeout", line, timeout))
	}
	return nil, line, exitError(line, err, stderr.buf, stdout.buf)
}

func (e *Executor) timeout(kind string) time.Duration {
	switch {
	case e.cfg.Timeout > 0:
		return e.cfg.Timeout
	case kind == kindDownload, kind == kindUpload:
		return DefaultDownloadTimeout
	}
	return DefaultTimeout
}

// exitError turns a failed run into a classified *CommandError.
func exitError(line string, err error, stderr, stdout []byte) *CommandError {
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		// Not started: a missing or non-executable binary is permanent, anything else (fork
		// failures, too many open files) transient.
		permanent := errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission)
		return commandError(line, -1, !permanent, ErrNotStarted, fmt.Sprintf("`%s` could not start: %v", line, err))
	}
	status := exit.ExitCode()
	if status < 0 {
		return commandError(line, -1, true, ErrCommandFailed, fmt.Sprintf("`%s` was killed: %v", line, err))
	}
	message := errorMessage(stderr, stdout)
	if status == 2 {
		return commandError(line, status, false, ErrUsage,
			fmt.Sprintf("`%s` was refused by icp's argument parser (exit status 2): %s", line, message))
	}
	return commandError(line, status, transient(status, message), ErrCommandFailed,
		fmt.Sprintf("`%s` exited with status %d: %s", line, status, message))
}

// capped keeps the first limit bytes written to it and notes whether more came.
type capped struct {
	buf      []byte
	limit    int
	overflow bool
}

func (c *capped) Write(p []byte) (int, error) {
	room := c.limit - len(c.buf)
	if len(p) > room {
		c.overflow = true
		c.buf = append(c.buf, p[:max(room, 0)]...)
		return len(p), nil
	}
	c.buf = append(c.buf, p...)
	return len(p), nil
}

// runOnLockedThread runs cmd from a goroutine locked to its OS thread until the child exits:
// the parent-death signal of procAttr follows the thread that started the child, not the
// process, so that thread must stay alive (and not end with another locked goroutine) meanwhile.
func runOnLockedThread(cmd *exec.Cmd) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		done <- cmd.Run()
	}()
	return <-done
}
