package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/svc"
)

// parse parses the invocation's flags, which may come before, between or after the
// positional arguments, and checks that between min and max positionals remain (max < 0: any).
// Environment fallbacks of the flags named in envFlags apply to those the command line left unset.
func (inv *invocation) parse(minArgs, maxArgs int, envFlags ...string) ([]string, error) {
	var positional []string
	rest := inv.args
	for {
		if err := inv.fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &UsageError{Reason: err.Error()}
		}
		left := inv.fs.Args()
		consumed := len(rest) - len(left)
		if len(left) == 0 {
			break
		}
		if consumed > 0 && rest[consumed-1] == "--" {
			positional = append(positional, left...)
			break
		}
		positional = append(positional, left[0])
		rest = left[1:]
	}
	if len(positional) < minArgs || (maxArgs >= 0 && len(positional) > maxArgs) {
		return nil, argsError(inv.cmd, positional, minArgs, maxArgs)
	}
	if err := applyEnv(inv.fs, inv.Getenv, envFlags); err != nil {
		return nil, err
	}
	return positional, nil
}

func argsError(cmd *command, got []string, minArgs, maxArgs int) error {
	switch {
	case len(got) < minArgs && cmd.Args != "":
		return usagef("missing argument %s", cmd.Args)
	case maxArgs == 0:
		return usagef("unexpected argument %q", got[0])
	}
	return usagef("unexpected argument %q", got[maxArgs])
}

// applyEnv sets each named flag the command line left unset from its environment variable
// (svc.EnvName: NATS_URL, NATS_CREDS, FLEETBACKUP_<FLAG>), through the flag's own parser.
func applyEnv(fs *flag.FlagSet, getenv func(string) string, names []string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range names {
		if set[name] || fs.Lookup(name) == nil || getenv == nil {
			continue
		}
		value := getenv(svc.EnvName(name))
		if value == "" {
			continue
		}
		if err := fs.Set(name, value); err != nil {
			return &InputError{What: fmt.Sprintf("environment %s=%q", svc.EnvName(name), value), Err: err}
		}
	}
	return nil
}

// isSet reports whether the command line gave the flag.
func isSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// borrowFlags registers on fs the named flags of the services' common settings (svc.Register),
// so that the CLI and every service spell, document and default them alike. The returned
// Config holds their values once fs is parsed; each flag's help names its environment variable.
func borrowFlags(fs *flag.FlagSet, names ...string) *svc.Config {
	scratch := flag.NewFlagSet("svc", flag.ContinueOnError)
	cfg := svc.Register(scratch)
	for _, name := range names {
		f := scratch.Lookup(name)
		if f == nil {
			continue
		}
		fs.Var(f.Value, f.Name, f.Usage+" (env "+svc.EnvName(f.Name)+")")
	}
	return cfg
}

// setUsage replaces a registered flag's help text.
func setUsage(fs *flag.FlagSet, name, usage string) {
	if f := fs.Lookup(name); f != nil {
		f.Usage = usage
	}
}

// printHelp writes the command's usage line, description, example and flags.
func (inv *invocation) printHelp(w io.Writer) {
	c := inv.cmd
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: fleetbackup %s [flags]", c.Name)
	if c.Args != "" {
		b.WriteString(" " + c.Args)
	}
	fmt.Fprintf(&b, "\n\n%s\n", strings.TrimSpace(c.About))
	if c.Example != "" {
		b.WriteString("\nExample:\n")
		for line := range strings.SplitSeq(strings.TrimSpace(c.Example), "\n") {
			b.WriteString("  " + strings.TrimSpace(line) + "\n")
		}
	}
	for _, g := range flagGroups(inv.fs) {
		fmt.Fprintf(&b, "\n%s:\n", g.title)
		for _, f := range g.flags {
			writeFlag(&b, f)
		}
	}
	b.WriteString("\nExit status: 0 success, 1 the run or check failed, 2 bad usage or input.\n")
	io.WriteString(w, b.String())
}

// flagGroup is a titled part of a command's flags in its help.
type flagGroup struct {
	title string
	flags []*flag.Flag
}

// groupOf sorts a flag into its help section by name.
func groupOf(name string) string {
	switch {
	case name == "file" || name == "registry" || name == "include-descendants" || requestFlag(name):
		return "Request flags"
	case name == "executor" || strings.HasPrefix(name, "icp-"):
		return "Executor flags"
	case strings.HasPrefix(name, "sim-"):
		return "Simulated fleet flags"
	case strings.HasPrefix(name, "nats-") || name == "prefix":
		return "NATS flags"
	}
	return "Flags"
}

func requestFlag(name string) bool {
	for _, f := range requestFields {
		if f.flag == name {
			return true
		}
	}
	return false
}

var groupOrder = []string{"Flags", "Request flags", "NATS flags",
	"Executor flags", "Simulated fleet flags"}

func flagGroups(fs *flag.FlagSet) []flagGroup {
	byTitle := map[string][]*flag.Flag{}
	fs.VisitAll(func(f *flag.Flag) { byTitle[groupOf(f.Name)] = append(byTitle[groupOf(f.Name)], f) })
	var out []flagGroup
	for _, title := range groupOrder {
		if len(byTitle[title]) > 0 {
			out = append(out, flagGroup{title: title, flags: byTitle[title]})
		}
	}
	return out
}

// writeFlag writes one flag as flag.PrintDefaults does, with two dashes.
func writeFlag(b *strings.Builder, f *flag.Flag) {
	name, usage := flag.UnquoteUsage(f)
	fmt.Fprintf(b, "  --%s", f.Name)
	if name != "" {
		b.WriteString(" " + name)
	}
	b.WriteString("\n    \t" + strings.ReplaceAll(usage, "\n", "\n    \t"))
	if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && !strings.Contains(usage, "default") {
		fmt.Fprintf(b, " (default %q)", f.DefValue)
	}
	b.WriteString("\n")
}
