package main

import (
	"strings"
	"testing"
)

var allCommands = []string{"demo", "dev", "plan", "run", "watch", "status", "list", "retry", "abort", "verify", "registry", "version", "bench", "prune", "restore", "records", "schedule"}

func TestEveryCommandHasHelpWithAnExample(t *testing.T) {
	for _, name := range allCommands {
		t.Run(name, func(t *testing.T) {
			for _, help := range [][]string{{name, "--help"}, {name, "-h"}, {"help", name}} {
				r := fb(t, "", help...)
				wantCode(t, r, 0)
				wantIn(t, "help", r.stdout, "Usage: fleetbackup "+name, "Example:\n  fleetbackup", "Exit status")
			}
		})
	}
}

func TestBadFlagsExitTwoWithHelp(t *testing.T) {
	for _, name := range allCommands {
		t.Run(name, func(t *testing.T) {
			r := fb(t, "", name, "--no-such-flag")
			wantCode(t, r, 2)
			wantIn(t, "stderr", r.stderr, "no-such-flag", "Usage: fleetbackup "+name)
			if r.stdout != "" {
				t.Fatalf("bad usage wrote to stdout:\n%s", r)
			}
		})
	}
}

func TestBadUsageExitsTwo(t *testing.T) {
	cases := [][]string{
		{},                     // no command
		{"frobnicate"},         // unknown command
		{"help", "frobnicate"}, // help on an unknown command
		{"watch"},              // missing run id
		{"watch", "a", "b"},    // too many arguments
		{"status", "not a run id"},
		{"retry"},
		{"list", "--state", "sleeping"},
		{"registry", "parse"},
		{"version", "extra"},
		{"dev", "--port", "70000"},
		{"plan", "--fleet", "f", "--network", "local", "--order", "sideways"},
		{"plan", "--network", "local", "--selector", "user_hub"}, // no fleet
		{"plan", "--fleet", "f", "--network", "local", "--root", "not-a-principal", "--selector", "x"},
		{"run", "--file", "/no/such/request.json"},
	}
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			wantCode(t, fb(t, "", args...), 2)
		})
	}
}

func TestTopLevelHelp(t *testing.T) {
	r := fb(t, "", "--help")
	wantCode(t, r, 0)
	wantIn(t, "help", r.stdout, append([]string{"fleetbackup demo"}, allCommands...)...)
	r = fb(t, "")
	wantCode(t, r, 2)
	wantIn(t, "stderr", r.stderr, "Usage: fleetbackup <command>")
}

func TestVersion(t *testing.T) {
	r := fb(t, "", "version")
	wantCode(t, r, 0)
	wantIn(t, "version", r.stdout, "fleetbackup dev")
	r = fb(t, "", "version", "--json")
	wantCode(t, r, 0)
	wantIn(t, "version --json", r.stdout, `"version": "dev"`, `"go": "go1.`)
}

func TestClientCommandsFailFastWithoutNATS(t *testing.T) {
	r := fb(t, "", "list", "--nats-url", "nats://127.0.0.1:1")
	wantCode(t, r, 1)
	wantIn(t, "stderr", r.stderr, "connecting to NATS at nats://127.0.0.1:1")
}
