package restore

import (
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// ValidateMapping checks a mapping against a manifest in the reference's order (RESTORE §2.1):
// for each entry, source and target are principals and neither repeats an earlier entry's; then
// every source is a manifest member. A member the mapping leaves out is found by BuildPlan
// (ErrMissingMappingSource), in manifest member order.
func ValidateMapping(mp *Mapping, m *manifest.Manifest) error {
	sources := make(map[string]bool, len(mp.Members))
	targets := make(map[string]bool, len(mp.Members))
	for _, entry := range mp.Members {
		if e := principalField("mapping.members[].source_canister", entry.SourceCanister); e != nil {
			return e
		}
		if e := principalField("mapping.members[].target_canister", entry.TargetCanister); e != nil {
			return e
		}
		if sources[entry.SourceCanister] {
			e := newErr(ErrDuplicateMappingSource)
			e.Source = entry.SourceCanister
			return e
		}
		if targets[entry.TargetCanister] {
			e := newErr(ErrDuplicateMappingTarget)
			e.Target = entry.TargetCanister
			return e
		}
		sources[entry.SourceCanister], targets[entry.TargetCanister] = true, true
	}
	members := make(map[string]bool, len(m.Fleet.Members))
	for i := range m.Fleet.Members {
		members[m.Fleet.Members[i].CanisterID] = true
	}
	for _, entry := range mp.Members {
		if !members[entry.SourceCanister] {
			e := newErr(ErrUnknownMappingSource)
			e.Source = entry.SourceCanister
			return e
		}
	}
	return nil
}

// principalField requires value to be a canonical principal text.
func principalField(field, value string) *Error {
	if _, err := principal.Parse(value); err != nil {
		e := fieldErr(ErrInvalidPrincipal, field)
		e.Value, e.Cause = value, err
		return e
	}
	return nil
}

// targets maps every source to its target: the mapping's entry, or itself without a mapping.
func (mp *Mapping) targets() map[string]string {
	if mp == nil {
		return nil
	}
	out := make(map[string]string, len(mp.Members))
	for _, entry := range mp.Members {
		out[entry.SourceCanister] = entry.TargetCanister
	}
	return out
}
