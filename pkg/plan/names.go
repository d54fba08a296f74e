package plan

import (
	"strings"
	"time"
)

// Safe makes a name safe for ids and paths (DOMAIN §2.3 safe()): ASCII letters, digits, '-',
// '_' and '.' are kept, every other character becomes '-', leading and trailing '-' are
// trimmed, and an empty result is "unknown".
func Safe(s string) string {
	out := strings.Trim(strings.Map(func(r rune) rune {
		if isASCIIAlnum(r) || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '-'
	}, s), "-")
	if out == "" {
		return "unknown"
	}
	return out
}

// Seg maps a canister id to its artifact directory name (DOMAIN §7.4 seg()): ASCII letters,
// digits, '-' and '_' are kept, every other character (including '.') becomes '_'. It is the
// identity on principal texts.
func Seg(id string) string {
	return strings.Map(func(r rune) rune {
		if isASCIIAlnum(r) || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, id)
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// DefaultPlanID is the reference CLI's plan id: plan-<safe(fleet)>-<YYYYMMDD-HHMMSS in UTC>.
func DefaultPlanID(fleet string, t time.Time) string {
	return "plan-" + Safe(fleet) + "-" + t.UTC().Format("20060102-150405")
}

// RunIDFromPlanID derives the run id by replacing every "plan-" in the plan id with "run-".
func RunIDFromPlanID(planID string) string {
	return strings.ReplaceAll(planID, "plan-", "run-")
}

// Target returns the plan target with canister id id. It scans the targets (O(N)); callers
// that look up many ids should build TargetIndex once.
func (p *Plan) Target(id string) (*Target, bool) {
	for i := range p.Targets {
		if p.Targets[i].CanisterID == id {
			return &p.Targets[i], true
		}
	}
	return nil, false
}

// TargetIndex maps every target's canister id to its position in Targets (the first position
// for a duplicate id, like Target). It is a snapshot: later changes to Targets are not seen.
func (p *Plan) TargetIndex() map[string]int {
	index := make(map[string]int, len(p.Targets))
	for i := range p.Targets {
		if _, ok := index[p.Targets[i].CanisterID]; !ok {
			index[p.Targets[i].CanisterID] = i
		}
	}
	return index
}

// IsRestore reports whether p is a restore run's plan (its last phase is finalize-restore).
func (p *Plan) IsRestore() bool {
	return len(p.Phases) > 0 && p.Phases[len(p.Phases)-1].Kind == KindFinalizeRestore
}
