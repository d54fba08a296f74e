package schedule

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/retention"
)

// HeaderPrune carries a schedule's prune policy on its definition. The server copies it, like
// every header that is not a scheduling one, onto each firing, where the planner reads it
// (docs/schedules.md). Its value is the policy as FormatPrune writes it, e.g.
// "keep-last=2" or "keep-daily=7,keep-weekly=4".
const HeaderPrune = "Fleetbackup-Prune"

// ErrBadPrune is matched by every refusal of a prune policy.
var ErrBadPrune = errors.New("invalid prune policy")

// pruneKeys are the policy's counts as the header names them, in FormatPrune's order; they are
// the flags of `fleetbackup prune` without their dashes.
var pruneKeys = []string{"keep-last", "keep-daily", "keep-weekly", "keep-monthly"}

// counts are p's counts in pruneKeys' order.
func counts(p *retention.Policy) []*int {
	return []*int{&p.Last, &p.Daily, &p.Weekly, &p.Monthly}
}

// ParsePrune reads a Fleetbackup-Prune value: comma-separated key=count pairs, each key
// (keep-last, keep-daily, keep-weekly, keep-monthly) at most once, spaces around the pairs
// allowed. The policy is then validated as `fleetbackup prune` validates its flags
// (retention.Policy.Validate): no negative count, and not a policy that keeps nothing. Every
// refusal matches ErrBadPrune, and the retention sentinel when it is one of Validate's.
func ParsePrune(value string) (retention.Policy, error) {
	var p retention.Policy
	seen := map[string]bool{}
	bad := func(format string, args ...any) (retention.Policy, error) {
		return retention.Policy{}, fmt.Errorf("%w %q: %s", ErrBadPrune, value, fmt.Sprintf(format, args...))
	}
	for _, pair := range strings.Split(value, ",") {
		key, count, ok := strings.Cut(strings.TrimSpace(pair), "=")
		i := slices.Index(pruneKeys, key)
		switch {
		case !ok:
			return bad("want key=count pairs such as keep-last=7, separated by commas")
		case i < 0:
			return bad("unknown key %q (want %s)", key, strings.Join(pruneKeys, ", "))
		case seen[key]:
			return bad("%s given twice", key)
		}
		n, err := strconv.Atoi(count)
		if err != nil {
			return bad("%s=%q: want a whole number", key, count)
		}
		seen[key], *counts(&p)[i] = true, n
	}
	if err := p.Validate(); err != nil {
		return retention.Policy{}, fmt.Errorf("%w %q: %w", ErrBadPrune, value, err)
	}
	return p, nil
}

// FormatPrune writes p as a Fleetbackup-Prune value: its counts above zero, in the order
// keep-last, keep-daily, keep-weekly, keep-monthly ("" for a policy without any).
func FormatPrune(p retention.Policy) string {
	var parts []string
	for i, n := range counts(&p) {
		if *n != 0 {
			parts = append(parts, pruneKeys[i]+"="+strconv.Itoa(*n))
		}
	}
	return strings.Join(parts, ",")
}

// Owns reports whether the backup directory or run id runID belongs to schedule name: it is
// exactly the run id RunID makes for one of name's firings, <name>-<YYYYMMDDTHHMMSSZ>. The
// runs of another schedule (even one whose name begins with name and a dash, such as
// name-eu), manual runs and anything else do not belong to it. The only way to make a run that
// does is to choose such an id by hand (fleetbackup run --run-id nightly-20261130T020000Z).
func Owns(name, runID string) bool {
	n, fired, ok := ParseRunID(runID)
	return ok && n == name && RunID(n, fired) == runID
}
