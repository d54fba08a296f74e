package restore

import (
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// BuildPlan builds the restore plan of a manifest (RESTORE §2.3), optionally onto other canisters
// through mp (nil restores every member in place). It validates the manifest and the mapping,
// resolves members in manifest order, orders them parent before child, computes the summaries
// and validates the result (§2.6).
func BuildPlan(m *manifest.Manifest, mp *Mapping) (*Plan, error) {
	if m == nil {
		return nil, fieldErr(ErrInvalidManifest, "manifest")
	}
	if err := m.Validate(); err != nil {
		return nil, &Error{Err: ErrInvalidManifest, Sequence: noSequence, Cause: err}
	}
	if mp != nil {
		if err := ValidateMapping(mp, m); err != nil {
			return nil, err
		}
	}
	members, err := resolveMembers(m, mp)
	if err != nil {
		return nil, err
	}
	p := &Plan{
		PlanVersion:        PlanVersion,
		BackupID:           m.BackupID,
		SourceEnvironment:  m.Source.Environment,
		SourceRootCanister: m.Source.RootCanister,
		TopologyHash:       m.Fleet.TopologyHash,
		MemberCount:        len(members),
	}
	p.Members, err = orderMembers(members)
	if err != nil {
		return nil, err
	}
	p.DeploymentVerificationChecks = cloneChecks(m.Verification.FleetChecks)
	p.summarize(mp != nil)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// resolveMembers is §2.3 step 3: targets, identity and parents, in manifest member order.
func resolveMembers(m *manifest.Manifest, mp *Mapping) ([]Member, error) {
	targets := mp.targets()
	targetOf := func(source string) (string, bool) {
		if targets == nil {
			return source, true
		}
		t, ok := targets[source]
		return t, ok
	}
	inManifest := make(map[string]bool, len(m.Fleet.Members))
	for i := range m.Fleet.Members {
		inManifest[m.Fleet.Members[i].CanisterID] = true
	}
	used := make(map[string]bool, len(m.Fleet.Members))
	out := make([]Member, 0, len(m.Fleet.Members))
	for i := range m.Fleet.Members {
		src := &m.Fleet.Members[i]
		target, ok := targetOf(src.CanisterID)
		if !ok {
			e := newErr(ErrMissingMappingSource)
			e.Source = src.CanisterID
			return nil, e
		}
		if e := checkTarget(src, target, used); e != nil {
			return nil, e
		}
		used[target] = true
		mem := Member{SourceCanister: src.CanisterID, TargetCanister: target, Role: src.Role,
			ParentSourceCanister: clone(src.ParentCanisterID), IdentityMode: src.IdentityMode,
			VerificationChecks: concreteChecks(src, m.Verification.MemberChecks),
			SourceSnapshot:     cloneSnapshot(src.SourceSnapshot)}
		if p := src.ParentCanisterID; p != nil && inManifest[*p] {
			parentTarget, _ := targetOf(*p)
			mem.ParentTargetCanister = &parentTarget
		}
		out = append(out, mem)
	}
	return out, nil
}

// checkTarget refuses moving a fixed member and restoring two members onto one canister.
func checkTarget(src *manifest.Member, target string, used map[string]bool) *Error {
	if src.IdentityMode == plan.IdentityFixed && target != src.CanisterID {
		e := newErr(ErrFixedIdentityRemap)
		e.Source, e.Target = src.CanisterID, target
		return e
	}
	if used[target] {
		e := newErr(ErrDuplicatePlanTarget)
		e.Target = target
		return e
	}
	return nil
}

// concreteChecks is §2.5: the member's own checks that apply to its role, then the checks of
// every member group of its role, filtered the same way.
func concreteChecks(m *manifest.Member, groups []manifest.MemberVerificationChecks) []manifest.VerificationCheck {
	out := []manifest.VerificationCheck{}
	add := func(checks []manifest.VerificationCheck) {
		for _, c := range checks {
			if len(c.Roles) == 0 || slices.Contains(c.Roles, m.Role) {
				out = append(out, cloneCheck(c))
			}
		}
	}
	add(m.VerificationChecks)
	for _, g := range groups {
		if g.Role == m.Role {
			add(g.Checks)
		}
	}
	return out
}

func cloneChecks(checks []manifest.VerificationCheck) []manifest.VerificationCheck {
	out := make([]manifest.VerificationCheck, 0, len(checks))
	for _, c := range checks {
		out = append(out, cloneCheck(c))
	}
	return out
}

func cloneCheck(c manifest.VerificationCheck) manifest.VerificationCheck {
	return manifest.VerificationCheck{Kind: c.Kind, Roles: append([]string{}, c.Roles...)}
}

func cloneSnapshot(s manifest.SourceSnapshot) manifest.SourceSnapshot {
	s.ModuleHash, s.CodeVersion, s.Checksum = clone(s.ModuleHash), clone(s.CodeVersion), clone(s.Checksum)
	return s
}

func clone(s *string) *string {
	if s == nil {
		return nil
	}
	v := *s
	return &v
}
