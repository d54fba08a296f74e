package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cron is a parsed 6-field cron expression: one bit per allowed value of each field. The
// grammar is nats-server's (server/cron.go, after robfig/cron): lists, ranges, steps, * and ?,
// month and weekday names; day-of-month and day-of-week combine with "or" unless one is a star.
type cron struct {
	second, minute, hour, dom, month, dow uint64
	domStar, dowStar                      bool
}

type field struct {
	name     string
	min, max int
	names    map[string]int
}

var fields = [6]field{
	{name: "second", max: 59}, {name: "minute", max: 59}, {name: "hour", max: 23},
	{name: "day-of-month", min: 1, max: 31},
	{name: "month", min: 1, max: 12, names: map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4,
		"may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}},
	{name: "day-of-week", max: 6, names: map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3,
		"thu": 4, "fri": 5, "sat": 6}},
}

func parseCron(pattern string) (*cron, error) {
	parts := strings.Fields(pattern)
	if len(parts) != 6 {
		hint := ""
		if len(parts) == 5 {
			hint = fmt.Sprintf(" (a 5-field crontab line needs a seconds field first: \"0 %s\")", pattern)
		}
		return nil, fmt.Errorf("want 6 fields (second minute hour day-of-month month day-of-week), got %d%s", len(parts), hint)
	}
	var bits [6]uint64
	var stars [6]bool
	for i, p := range parts {
		b, star, err := fields[i].parse(p)
		if err != nil {
			return nil, fmt.Errorf("%s field %q: %v", fields[i].name, p, err)
		}
		bits[i], stars[i] = b, star
	}
	return &cron{second: bits[0], minute: bits[1], hour: bits[2], dom: bits[3], month: bits[4], dow: bits[5],
		domStar: stars[3], dowStar: stars[5]}, nil
}

// parse reads one field: a comma-separated list of ranges. star reports a bare * or ? (a
// step over the whole range counts as a star only with step 1, as the server has it).
func (f field) parse(s string) (bits uint64, star bool, err error) {
	for _, r := range strings.Split(s, ",") {
		b, st, err := f.parseRange(r)
		if err != nil {
			return 0, false, err
		}
		bits, star = bits|b, star || st
	}
	return bits, star, nil
}

// parseRange reads number | name | * | ?, then optionally -number, then optionally /step.
func (f field) parseRange(r string) (uint64, bool, error) {
	rng, stepText, hasStep := strings.Cut(r, "/")
	lo, hi, star := f.min, f.max, rng == "*" || rng == "?"
	if !star {
		a, b, isRange := strings.Cut(rng, "-")
		var err error
		if lo, err = f.value(a); err != nil {
			return 0, false, err
		}
		switch {
		case isRange:
			if hi, err = f.value(b); err != nil {
				return 0, false, err
			}
		case !hasStep:
			hi = lo
		} // "N/step" means N to the maximum
	}
	step := 1
	if hasStep {
		n, err := strconv.Atoi(stepText)
		if err != nil || n <= 0 {
			return 0, false, fmt.Errorf("step %q: want a positive number", stepText)
		}
		step = n
	}
	if lo < f.min || hi > f.max || lo > hi {
		return 0, false, fmt.Errorf("range %d-%d outside %d-%d", lo, hi, f.min, f.max)
	}
	var bits uint64
	for v := lo; v <= hi; v += step {
		bits |= 1 << uint(v)
	}
	return bits, star && step == 1, nil
}

func (f field) value(s string) (int, error) {
	if v, ok := f.names[strings.ToLower(s)]; ok {
		return v, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not a number%s", s, map[bool]string{true: " or a name", false: ""}[f.names != nil])
	}
	return v, nil
}

// next is the first time after t (whole seconds) the expression matches in loc, searching
// at most five years ahead.
func (c *cron) next(t time.Time, loc *time.Location) (time.Time, bool) {
	t = t.In(loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	limit := day.AddDate(5, 0, 0)
	for ; !day.After(limit); day = day.AddDate(0, 0, 1) {
		if c.month&(1<<uint(day.Month())) == 0 || !c.dayMatches(day) {
			continue
		}
		if at, ok := c.onDay(day, t, loc); ok {
			return at, true
		}
	}
	return time.Time{}, false
}

// onDay is the first matching time of day that is after t.
func (c *cron) onDay(day, t time.Time, loc *time.Location) (time.Time, bool) {
	for h := 0; h < 24; h++ {
		for m := 0; m < 60 && c.hour&(1<<uint(h)) != 0; m++ {
			for s := 0; s < 60 && c.minute&(1<<uint(m)) != 0; s++ {
				if c.second&(1<<uint(s)) == 0 {
					continue
				}
				if at := time.Date(day.Year(), day.Month(), day.Day(), h, m, s, 0, loc); at.After(t) {
					return at, true
				}
			}
		}
	}
	return time.Time{}, false
}

func (c *cron) dayMatches(day time.Time) bool {
	dom := c.dom&(1<<uint(day.Day())) != 0
	dow := c.dow&(1<<uint(day.Weekday())) != 0
	if c.domStar || c.dowStar {
		return dom && dow
	}
	return dom || dow
}
