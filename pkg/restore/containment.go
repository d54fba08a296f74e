package restore

import (
	"strings"
)

// LoadsBegun reports whether any load has been claimed. Before that, a failed restore may restart
// every canister it stopped (containment, DESIGN §10); after it the fleet is in a mixed state and
// nothing is restarted without an operator's forced abort.
func (j *Journal) LoadsBegun() bool {
	for i := range j.Operations {
		op := &j.Operations[i]
		if op.Operation == KindLoadSnapshot && op.State != StateReady && op.State != StateBlocked {
			return true
		}
	}
	return false
}

// StoppedTargets lists the targets whose stop completed and whose start did not, children before
// parents (the reverse of member order), which is the order containment restarts them in.
func (j *Journal) StoppedTargets() []string {
	stopped := map[int]string{}
	maxMember := -1
	for i := range j.Operations {
		op := &j.Operations[i]
		if op.Operation == KindStop && op.State == StateCompleted {
			stopped[op.MemberOrder] = op.TargetCanister
			maxMember = max(maxMember, op.MemberOrder)
		}
	}
	for i := range j.Operations {
		op := &j.Operations[i]
		if op.Operation == KindStart && op.State == StateCompleted {
			delete(stopped, op.MemberOrder)
		}
	}
	out := []string{}
	for m := maxMember; m >= 0; m-- {
		if t, ok := stopped[m]; ok {
			out = append(out, t)
		}
	}
	return out
}

// EvidenceMatches is the 0.108 verification rule for a check-member operation: the target is
// running and, when the manifest recorded a module hash, reports the same one (compared after
// trimming, dropping a 0x prefix and lower-casing).
func EvidenceMatches(expectedModuleHash *string, status string, moduleHash *string) bool {
	if !strings.EqualFold(strings.TrimSpace(status), "running") {
		return false
	}
	if expectedModuleHash == nil {
		return true
	}
	return moduleHash != nil && normalizeHash(*moduleHash) == normalizeHash(*expectedModuleHash)
}

func normalizeHash(h string) string {
	h = strings.TrimSpace(h)
	h = strings.TrimPrefix(strings.TrimPrefix(h, "0x"), "0X")
	return strings.ToLower(h)
}
