package schedule

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Spec is a checked schedule expression with its time zone.
type Spec struct {
	Expr     string // as published in Nats-Schedule
	TimeZone string // as published in Nats-Schedule-Time-Zone, "" for UTC
	every    time.Duration
	cron     *cron
	loc      *time.Location
}

// predefined are the server's shorthands for cron expressions (server/scheduler.go).
var predefined = map[string]string{
	"@yearly": "0 0 0 1 1 *", "@annually": "0 0 0 1 1 *", "@monthly": "0 0 0 1 * *",
	"@weekly": "0 0 0 * * 0", "@daily": "0 0 0 * * *", "@midnight": "0 0 0 * * *", "@hourly": "0 0 * * * *",
}

// ErrBadSpec is matched by every refusal of a schedule expression or time zone.
var ErrBadSpec = errors.New("invalid schedule")

// Parse checks a schedule expression as nats-server reads it: a 6-field cron expression
// (second minute hour day-of-month month day-of-week; names such as mon or jan, ranges, lists,
// steps, * and ?), a predefined one (@yearly, @monthly, @weekly, @daily, @hourly), or "@every
// <duration>" (whole seconds, at least 1s). timeZone, an IANA name, applies to cron
// expressions only. One-shot "@at" schedules are refused: each firing of a fleetbackup
// schedule is a recurring backup, and a generated request that says "purge" is treated as
// forged (docs/schedules.md). A cron expression that never fires within five years is refused
// too, as the server does.
func Parse(expr, timeZone string) (Spec, error) {
	s := Spec{Expr: expr, TimeZone: timeZone}
	bad := func(format string, args ...any) (Spec, error) {
		return Spec{}, fmt.Errorf("%w %q: %s", ErrBadSpec, expr, fmt.Sprintf(format, args...))
	}
	switch {
	case strings.TrimSpace(expr) != expr || expr == "":
		return bad("want a cron expression such as \"0 0 2 * * *\", @daily or \"@every 1h\"")
	case strings.HasPrefix(expr, "@at"):
		return bad("one-shot schedules are not supported; publish a run request instead (fleetbackup run)")
	case strings.HasPrefix(expr, "@every "):
		d, err := time.ParseDuration(strings.TrimPrefix(expr, "@every "))
		if err != nil || d < time.Second || d%time.Second != 0 {
			return bad("want @every and a whole number of seconds, at least 1s (e.g. @every 30s, @every 6h)")
		}
		if timeZone != "" {
			return bad("a time zone applies to cron expressions only, not to @every")
		}
		s.every = d
		return s, nil
	}
	pattern := expr
	if p, ok := predefined[expr]; ok {
		pattern = p
	} else if strings.HasPrefix(expr, "@") {
		return bad("unknown shorthand (want @yearly, @monthly, @weekly, @daily, @hourly or @every <duration>)")
	}
	c, err := parseCron(pattern)
	if err != nil {
		return bad("%v", err)
	}
	s.cron, s.loc = c, time.UTC
	if timeZone != "" {
		if s.loc, err = time.LoadLocation(timeZone); err != nil || timeZone == "Local" {
			return Spec{}, fmt.Errorf("%w: unknown time zone %q (want an IANA name such as Europe/Zurich)", ErrBadSpec, timeZone)
		}
	}
	if _, ok := s.Next(time.Now()); !ok {
		return bad("never fires within five years")
	}
	return s, nil
}

// Next is the first firing after t, and false when there is none within five years. For
// @every it is t plus the interval (the server counts from the definition's publication and
// then from each firing).
func (s Spec) Next(t time.Time) (time.Time, bool) {
	if s.every > 0 {
		return t.Truncate(time.Second).Add(s.every), true
	}
	if s.cron == nil {
		return time.Time{}, false
	}
	return s.cron.next(t, s.loc)
}

// String is the expression and, when set, its time zone.
func (s Spec) String() string {
	if s.TimeZone == "" {
		return s.Expr
	}
	return s.Expr + " (" + s.TimeZone + ")"
}
