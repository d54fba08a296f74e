package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// bin is the fleetbackup binary the tests drive, built once by TestMain.
var bin string

// scratch holds what tests share across the package (the binary, the demo's backup); TestMain
// removes it.
var scratch string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fleetbackup-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	scratch = dir
	bin = filepath.Join(dir, "fleetbackup")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building fleetbackup:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what a run of the binary left: exit status and both output streams.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// fb runs the binary with args, as a user would, in dir (when not "") with no terminal.
func fb(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return fbStdin(t, dir, "", args...)
}

func fbStdin(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errOut.String()}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case asExit(err, &exitErr):
		r.code = exitErr.ExitCode()
	default:
		t.Fatalf("running fleetbackup %v: %v\n%s", args, err, r)
	}
	return r
}

func asExit(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*target = e
	}
	return ok
}

// cleanEnv is the test's environment without fleetbackup's own variables, so that a
// developer's settings do not leak into the tests.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "FLEETBACKUP_") || strings.HasPrefix(kv, "NATS_") || strings.HasPrefix(kv, "NO_COLOR") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// wantCode fails the test unless r exited with code.
func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("want exit %d, got:\n%s", code, r)
	}
}

// wantIn fails the test unless s contains every part.
func wantIn(t *testing.T, what, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Fatalf("%s does not contain %q:\n%s", what, p, s)
		}
	}
}
