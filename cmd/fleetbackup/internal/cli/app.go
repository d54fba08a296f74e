// Package cli implements the fleetbackup command line: one command per file, each parsing its
// own flags, all sharing the exit statuses of DESIGN §9 (0 success, 1 a failed run or check,
// 2 bad usage or input).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one subcommand: its help texts and what it does.
type command struct {
	Name    string
	Args    string // positional arguments as the usage line shows them, e.g. "<run_id>"
	Summary string // one line for the command list
	About   string // a paragraph for the command's help
	Example string // one or more example command lines
	Run     func(ctx context.Context, inv *invocation) error
}

// invocation is one run of a command: its flags, arguments and environment.
type invocation struct {
	*Env
	cmd  *command
	fs   *flag.FlagSet
	args []string
}

// commands lists every subcommand in the order the help shows them.
func commands() []*command {
	return []*command{
		demoCommand(), devCommand(), planCommand(), runCommand(), watchCommand(), statusCommand(),
		listCommand(), retryCommand(), abortCommand(), verifyCommand(), restoreCommand(), registryCommand(), versionCommand(),
		benchCommand(),
		pruneCommand(),
		recordsCommand(),
		scheduleCommand(),
	}
}

func lookup(name string) *command {
	for _, c := range commands() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Main runs the command line args and returns the process exit status.
func Main(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 {
		printTopUsage(env.Stderr)
		return ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		return help(env, args[1:])
	}
	cmd := lookup(args[0])
	if cmd == nil {
		fmt.Fprintf(env.Stderr, "fleetbackup: unknown command %q\n\n", args[0])
		printTopUsage(env.Stderr)
		return ExitUsage
	}
	fs := flag.NewFlagSet("fleetbackup "+cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	inv := &invocation{Env: env, cmd: cmd, fs: fs, args: args[1:]}
	err := cmd.Run(ctx, inv)
	report(env, inv, err)
	return exitCode(err)
}

// report prints a command's error where it belongs: help on standard output for -h, the
// reason and the help on standard error for bad usage, the message otherwise.
func report(env *Env, inv *invocation, err error) {
	var failed *FailedError
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		inv.printHelp(env.Stdout)
	case errors.Is(err, ErrUsage):
		fmt.Fprintf(env.Stderr, "fleetbackup %s: %v\n\n", inv.cmd.Name, err)
		inv.printHelp(env.Stderr)
	case errors.As(err, &failed):
		if failed.Say != "" {
			fmt.Fprintf(env.Stderr, "fleetbackup %s: %s\n", inv.cmd.Name, failed.Say)
		}
	default:
		fmt.Fprintf(env.Stderr, "fleetbackup %s: %v\n", inv.cmd.Name, err)
	}
}

// help prints the command list, or one command's help.
func help(env *Env, args []string) int {
	if len(args) == 0 {
		printTopUsage(env.Stdout)
		return ExitOK
	}
	cmd := lookup(args[0])
	if cmd == nil {
		fmt.Fprintf(env.Stderr, "fleetbackup help: unknown command %q\n\n", args[0])
		printTopUsage(env.Stderr)
		return ExitUsage
	}
	fs := flag.NewFlagSet("fleetbackup "+cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	inv := &invocation{Env: env, cmd: cmd, fs: fs, args: []string{"--help"}}
	report(env, inv, cmd.Run(context.Background(), inv))
	return ExitOK
}

func printTopUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString("fleetbackup backs up fleets of Internet Computer canisters.\n\n")
	b.WriteString("Usage: fleetbackup <command> [flags] [arguments]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-10s %s\n", c.Name, c.Summary)
	}
	b.WriteString("\nStart here:\n  fleetbackup demo             a complete backup of a simulated fleet, in seconds\n")
	b.WriteString("  fleetbackup demo --restore   the same, then change the fleet and restore it from the backup\n")
	b.WriteString("\nRun `fleetbackup <command> --help` for a command's flags and an example.\n")
	b.WriteString("Exit status: 0 success, 1 the run or check failed, 2 bad usage or input.\n")
	io.WriteString(w, b.String())
}
