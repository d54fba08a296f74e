package cli

import (
	"flag"

	"github.com/fleetbackup/fleetbackup/pkg/retention"
	"github.com/fleetbackup/fleetbackup/pkg/schedule"
)

// keepFlags are the --keep-* flags of schedule create: the prune policy the schedule carries.
var keepFlags = []string{"keep-last", "keep-daily", "keep-weekly", "keep-monthly"}

// addScheduleKeepFlags adds prune's --keep-* flags to schedule create.
func addScheduleKeepFlags(fs *flag.FlagSet) *retention.Policy {
	p := &retention.Policy{}
	fs.IntVar(&p.Last, "keep-last", 0, "prune at each firing: keep the schedule's `N` newest backups")
	fs.IntVar(&p.Daily, "keep-daily", 0, "prune at each firing: keep the schedule's newest backup of each of the last `D` days (UTC) that have one")
	fs.IntVar(&p.Weekly, "keep-weekly", 0, "prune at each firing: keep the schedule's newest backup of each of the last `W` ISO weeks (UTC) that have one")
	fs.IntVar(&p.Monthly, "keep-monthly", 0, "prune at each firing: keep the schedule's newest backup of each of the last `M` months (UTC) that have one")
	return p
}

// schedulePrune is the Fleetbackup-Prune value the --keep-* flags ask for, "" when none is
// given. A policy is validated as prune validates its flags: a negative count, or counts that
// keep nothing (--keep-last 0 alone), are bad usage (exit status 2).
func schedulePrune(fs *flag.FlagSet, p *retention.Policy) (string, error) {
	given := false
	for _, name := range keepFlags {
		given = given || isSet(fs, name)
	}
	if !given {
		return "", nil
	}
	if err := p.Validate(); err != nil {
		return "", usagef("%v", err)
	}
	return schedule.FormatPrune(*p), nil
}

// keepOf describes a definition's prune policy for the schedule list table: "-" for none,
// the policy as prune prints it ("last 2, daily 7"), or "invalid" for a header a stranger
// published that the planner will not apply.
func keepOf(header string) string {
	if header == "" {
		return "-"
	}
	p, err := schedule.ParsePrune(header)
	if err != nil {
		return "invalid: " + header
	}
	return p.String()
}
