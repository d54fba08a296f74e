package main

import (
	"fmt"
	"slices"
	"strings"
)

// option is a flag of a command: a switch, or an option taking a value.
type option struct {
	long     string
	short    string   // "" when none
	value    string   // value name (OUTPUT); "" for a switch
	possible []string // allowed values; nil for any
	required bool
	hex      bool   // the value is a snapshot id, which icp decodes as hex while parsing
	conflict string // long name of an option this one cannot be used with
}

func (o option) display() string {
	if o.value == "" {
		return "--" + o.long
	}
	return fmt.Sprintf("--%s <%s>", o.long, o.value)
}

// spec is the grammar of one subcommand, restricted to what ACCEPTED-COMMAND-LINES.txt uses.
type spec struct {
	path        string
	positionals []string // names; a name in [brackets] is optional
	options     []option
}

// globalOptions are the network and identity selection flags every subcommand takes.
var globalOptions = []option{
	{long: "network", short: "n", value: "NETWORK"},
	{long: "root-key", short: "k", value: "ROOT_KEY"},
	{long: "environment", short: "e", value: "ENVIRONMENT"},
	{long: "identity", value: "IDENTITY"},
	{long: "identity-password-file", value: "FILE"},
}

var (
	jsonFlag    = option{long: "json"}
	jsonOutput  = option{long: "json", conflict: "quiet"} // with quietFlag
	quietFlag   = option{long: "quiet", short: "q", conflict: "json"}
	resumeFlag  = option{long: "resume"}
	replaceFlag = option{long: "replace", value: "REPLACE", hex: true}
)

var specs = []spec{
	{path: "canister status", positionals: []string{"[CANISTER]"}, options: []option{jsonFlag}},
	{path: "canister stop", positionals: []string{"<CANISTER>"}},
	{path: "canister start", positionals: []string{"<CANISTER>"}},
	{path: "canister call", positionals: []string{"<CANISTER>", "[METHOD]", "[ARGS]"}, options: []option{
		{long: "query"}, jsonFlag,
		{long: "output", short: "o", value: "OUTPUT", possible: []string{"auto", "candid", "text", "hex"}},
	}},
	{path: "canister snapshot create", positionals: []string{"<CANISTER>"}, options: []option{
		jsonOutput, quietFlag, replaceFlag,
	}},
	{path: "canister snapshot list", positionals: []string{"<CANISTER>"}, options: []option{jsonFlag}},
	{path: "canister snapshot delete", positionals: []string{"<CANISTER>", "<SNAPSHOT_ID>"}},
	{path: "canister snapshot download", positionals: []string{"<CANISTER>", "<SNAPSHOT_ID>"}, options: []option{
		{long: "output", short: "o", value: "OUTPUT", required: true}, resumeFlag,
	}},
	{path: "canister snapshot upload", positionals: []string{"<CANISTER>"}, options: []option{
		{long: "input", short: "i", value: "INPUT", required: true}, replaceFlag, resumeFlag, jsonOutput, quietFlag,
	}},
	{path: "canister snapshot restore", positionals: []string{"<CANISTER>", "<SNAPSHOT_ID>"}},
}

// invocation is a parsed command line.
type invocation struct {
	spec *spec
	args []string          // positionals, in order
	opts map[string]string // long name → value ("" for switches)
}

func (inv *invocation) has(long string) bool { _, ok := inv.opts[long]; return ok }

// usageError is an argument error, reported like clap: exit status 2.
type usageError struct {
	message string
	usage   string
}

// parse reads a command line the way icp's parser would, for the subcommands in specs.
func parse(argv []string) (*invocation, *usageError) {
	sp, rest := findSpec(argv)
	if sp == nil {
		return nil, &usageError{message: unrecognized(argv), usage: "icp [OPTIONS] <COMMAND>"}
	}
	inv := &invocation{spec: sp, opts: map[string]string{}}
	fail := func(format string, args ...any) (*invocation, *usageError) {
		return nil, &usageError{message: fmt.Sprintf(format, args...), usage: sp.usage()}
	}
	options := slices.Concat(sp.options, globalOptions)
	for i := 0; i < len(rest); i++ {
		tok := rest[i]
		if tok == "--" {
			inv.args = append(inv.args, rest[i+1:]...)
			break
		}
		if !strings.HasPrefix(tok, "-") || tok == "-" {
			inv.args = append(inv.args, tok)
			continue
		}
		name, value, inline := strings.Cut(tok, "=")
		o, ok := lookup(options, name)
		if !ok {
			return fail("unexpected argument '%s' found", tok)
		}
		if _, dup := inv.opts[o.long]; dup {
			return fail("the argument '%s' cannot be used multiple times", o.display())
		}
		switch {
		case o.value == "" && inline:
			return fail("unexpected value '%s' for '%s' found; no more were expected", value, o.display())
		case o.value != "" && !inline:
			if i+1 >= len(rest) || strings.HasPrefix(rest[i+1], "-") {
				return fail("a value is required for '%s' but none was supplied", o.display())
			}
			i++
			value = rest[i]
		}
		if msg := o.checkValue(value); msg != "" {
			return fail("%s", msg)
		}
		inv.opts[o.long] = value
	}
	if msg := inv.check(options); msg != "" {
		return fail("%s", msg)
	}
	return inv, nil
}

// checkValue applies an option's value parser: the possible values, or hex for a snapshot id.
func (o option) checkValue(value string) string {
	if o.possible != nil && !slices.Contains(o.possible, value) {
		return fmt.Sprintf("invalid value '%s' for '%s'\n  [possible values: %s]", value, o.display(), strings.Join(o.possible, ", "))
	}
	if o.hex {
		return hexError(value, o.display())
	}
	return ""
}

// hexError is clap's message for a snapshot id that icp's parser (hex::decode, which checks the
// length first) refuses, or "".
func hexError(value, name string) string {
	if len(value)%2 != 0 {
		return fmt.Sprintf("invalid value '%s' for '%s': Odd number of digits", value, name)
	}
	for i, r := range value {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return fmt.Sprintf("invalid value '%s' for '%s': Invalid character %q at position %d", value, name, r, i)
		}
	}
	return ""
}

// check counts and parses positionals, and checks required options and conflicts.
func (inv *invocation) check(options []option) string {
	if len(inv.args) > len(inv.spec.positionals) {
		return fmt.Sprintf("unexpected argument '%s' found", inv.args[len(inv.spec.positionals)])
	}
	for i, a := range inv.args {
		if name := inv.spec.positionals[i]; name == "<SNAPSHOT_ID>" {
			if msg := hexError(a, name); msg != "" {
				return msg
			}
		}
	}
	var missing []string
	for i, p := range inv.spec.positionals {
		if i >= len(inv.args) && strings.HasPrefix(p, "<") {
			missing = append(missing, p)
		}
	}
	for _, o := range options {
		if o.required && !inv.has(o.long) {
			missing = append(missing, o.display())
		}
	}
	if len(missing) > 0 {
		return "the following required arguments were not provided:\n  " + strings.Join(missing, "\n  ")
	}
	if inv.has("network") && inv.has("environment") {
		return "the argument '--network <NETWORK>' cannot be used with '--environment <ENVIRONMENT>'"
	}
	for _, o := range options {
		if other, ok := lookup(options, "--"+o.conflict); ok && o.conflict != "" && inv.has(o.long) && inv.has(other.long) {
			return fmt.Sprintf("the argument '%s' cannot be used with '%s'", o.display(), other.display())
		}
	}
	return ""
}

func lookup(options []option, name string) (option, bool) {
	for _, o := range options {
		if name == "--"+o.long || (o.short != "" && name == "-"+o.short) {
			return o, true
		}
	}
	return option{}, false
}

// findSpec matches the longest subcommand path at the start of argv.
func findSpec(argv []string) (*spec, []string) {
	for i := range specs {
		words := strings.Fields(specs[i].path)
		if len(argv) >= len(words) && slices.Equal(argv[:len(words)], words) {
			return &specs[i], argv[len(words):]
		}
	}
	return nil, nil
}

func unrecognized(argv []string) string {
	if len(argv) == 0 {
		return "'icp' requires a subcommand but one was not provided"
	}
	return fmt.Sprintf("unrecognized subcommand '%s'", strings.Join(argv, " "))
}

func (sp *spec) usage() string {
	parts := []string{"icp", sp.path, "[OPTIONS]"}
	for _, o := range sp.options {
		if o.required {
			parts = append(parts, o.display())
		}
	}
	return strings.Join(append(parts, sp.positionals...), " ")
}
