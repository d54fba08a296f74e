package cli

import (
	"errors"
	"flag"
	"io"
	"slices"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

func newInvocation(args ...string) (*invocation, *bool) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "")
	return &invocation{Env: &Env{Getenv: func(string) string { return "" }}, cmd: &command{Name: "test", Args: "<x>"},
		fs: fs, args: args}, asJSON
}

func TestParseTakesFlagsAnywhere(t *testing.T) {
	cases := []struct {
		args []string
		want []string
		json bool
	}{
		{[]string{"a", "--json"}, []string{"a"}, true},
		{[]string{"--json", "a"}, []string{"a"}, true},
		{[]string{"a", "b", "--json", "c"}, []string{"a", "b", "c"}, true},
		{[]string{"--", "--json"}, []string{"--json"}, false},
		{[]string{"-"}, []string{"-"}, false},
	}
	for _, c := range cases {
		inv, asJSON := newInvocation(c.args...)
		got, err := inv.parse(0, -1)
		if err != nil || !slices.Equal(got, c.want) || *asJSON != c.json {
			t.Errorf("parse(%q) = %q, json %v, %v; want %q, json %v", c.args, got, *asJSON, err, c.want, c.json)
		}
	}
}

func TestParseRefusesBadUsage(t *testing.T) {
	for _, args := range [][]string{{"--nope"}, {}, {"a", "b"}} {
		inv, _ := newInvocation(args...)
		if _, err := inv.parse(1, 1); !errors.Is(err, ErrUsage) {
			t.Errorf("parse(%q): %v, want ErrUsage", args, err)
		}
	}
	inv, _ := newInvocation("-h")
	if _, err := inv.parse(0, 0); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v, want flag.ErrHelp", err)
	}
}

func TestApplyEnvFallsBackOnlyForUnsetFlags(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	cfg := addNATSFlags(fs)
	env := map[string]string{"NATS_URL": "nats://env:4222", "FLEETBACKUP_PREFIX": "acme"}
	if err := fs.Parse([]string{"--prefix", "flag"}); err != nil {
		t.Fatal(err)
	}
	if err := applyEnv(fs, func(k string) string { return env[k] }, natsFlagNames); err != nil {
		t.Fatal(err)
	}
	if cfg.NATSURL != "nats://env:4222" || cfg.Prefix != "flag" {
		t.Fatalf("url %q prefix %q: want the environment's url and the flag's prefix", cfg.NATSURL, cfg.Prefix)
	}
}

func TestExitCodes(t *testing.T) {
	cases := map[error]int{
		nil:                                 ExitOK,
		flag.ErrHelp:                        ExitOK,
		usagef("x"):                         ExitUsage,
		&InputError{What: "f", Err: io.EOF}: ExitUsage,
		&FailedError{}:                      ExitFailed,
		errors.New("connection refused"):    ExitFailed,
	}
	for err, want := range cases {
		if got := exitCode(err); got != want {
			t.Errorf("exitCode(%v) = %d, want %d", err, got, want)
		}
	}
}

func TestNewRunIDMatchesTheContract(t *testing.T) {
	for _, fleet := range []string{"demo", "", "a fleet/with odd.chars", "..", string(make([]byte, 200))} {
		if id := newRunID("run", fleet); !bus.RunIDPattern.MatchString(id) {
			t.Errorf("newRunID(%q) = %q does not match %s", fleet, id, bus.RunIDPattern)
		}
	}
}
