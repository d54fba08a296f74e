package manifest

import (
	"fmt"
	"math"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// TopologyHashInputPrefix starts fleet.topology_hash_input; the plan id follows (§7.6).
const TopologyHashInputPrefix = "canic-backup-plan:"

// SelectionUnitID names the one unit of a selection that forms a single unit.
const SelectionUnitID = "backup-selection"

// missingEntrySequence is the sequence the reference reports for a target without a Durable
// entry: the largest machine word.
const missingEntrySequence = math.MaxUint64

// Build constructs the manifest that finalize writes (DOMAIN §7.6) from the plan and the download
// journal. It builds the reference's version 1 document (one unit listing every target's role)
// and returns it when it validates. Otherwise it returns a version 2 document with one unit per
// connected component of the selection, or that document's validation error.
func Build(p *plan.Plan, dl *artifact.Journal, createdAt string, tool ToolMetadata) (*Manifest, error) {
	if p == nil {
		return nil, missingPlan()
	}
	members, err := buildMembers(p, dl)
	if err != nil {
		return nil, err
	}
	m := header(p, createdAt, tool, members)
	m.ManifestVersion = Version1
	m.Consistency.BackupUnits = []BackupUnit{selectionUnit(p)}
	if m.Validate() == nil {
		return m, nil
	}
	m.ManifestVersion = Version2
	m.Consistency.BackupUnits = componentUnits(p)
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// header fills everything but the version and the units.
func header(p *plan.Plan, createdAt string, tool ToolMetadata, members []Member) *Manifest {
	hash := p.TopologyHashBeforeQuiesce
	return &Manifest{
		BackupID:  p.RunID,
		CreatedAt: createdAt,
		Tool:      tool,
		Source:    SourceMetadata{Environment: p.Network, RootCanister: p.RootCanisterID},
		Fleet: Fleet{
			TopologyHashAlgorithm:   HashAlgorithm,
			TopologyHashInput:       TopologyHashInputPrefix + p.PlanID,
			DiscoveryTopologyHash:   hash,
			PreSnapshotTopologyHash: hash,
			TopologyHash:            hash,
			Members:                 members,
		},
		Verification: VerificationPlan{FleetChecks: []VerificationCheck{}, MemberChecks: []MemberVerificationChecks{}},
	}
}

// targetRole is the target's role, or `member-<i>` when it has none.
func targetRole(i int, t *plan.Target) string {
	if t.Role != nil {
		return *t.Role
	}
	return fmt.Sprintf("member-%d", i)
}

// selectionUnit is the reference's single unit: every target's role, in plan order.
func selectionUnit(p *plan.Plan) BackupUnit {
	roles := make([]string, len(p.Targets))
	for i := range p.Targets {
		roles[i] = targetRole(i, &p.Targets[i])
	}
	kind := UnitSubtree
	if len(p.Targets) == 1 {
		kind = UnitSingle
	}
	return BackupUnit{UnitID: SelectionUnitID, Kind: kind, Roles: roles}
}

func buildMembers(p *plan.Plan, dl *artifact.Journal) ([]Member, error) {
	durable := durableEntries(dl)
	members := make([]Member, len(p.Targets))
	for i := range p.Targets {
		t := &p.Targets[i]
		entry, ok := durable[t.CanisterID]
		if !ok {
			e := newErr(ErrMissingArtifactEntry)
			e.CanisterID, e.Sequence = t.CanisterID, missingEntrySequence
			return nil, e.at(i)
		}
		members[i] = member(p, i, entry)
	}
	return members, nil
}

// durableEntries maps each canister to its first Durable entry, in journal order.
func durableEntries(dl *artifact.Journal) map[string]*artifact.Entry {
	if dl == nil {
		return nil
	}
	byID := make(map[string]*artifact.Entry, len(dl.Artifacts))
	for i := range dl.Artifacts {
		e := &dl.Artifacts[i]
		if _, seen := byID[e.CanisterID]; !seen && e.State == artifact.StateDurable {
			byID[e.CanisterID] = e
		}
	}
	return byID
}

func member(p *plan.Plan, i int, entry *artifact.Entry) Member {
	t := &p.Targets[i]
	role := targetRole(i, t)
	var hint *string
	if t.ControlAuthority.Source.Kind == plan.ControlRootController {
		hint = clone(&p.RootCanisterID)
	}
	return Member{
		Role:               role,
		CanisterID:         t.CanisterID,
		ParentCanisterID:   clone(t.ParentCanisterID),
		ControllerHint:     hint,
		IdentityMode:       t.IdentityMode,
		VerificationChecks: []VerificationCheck{{Kind: CheckStatus, Roles: []string{role}}},
		SourceSnapshot: SourceSnapshot{
			SnapshotID:        entry.SnapshotID,
			ModuleHash:        clone(t.ExpectedModuleHash),
			ArtifactPath:      entry.ArtifactPath,
			ChecksumAlgorithm: entry.ChecksumAlgorithm,
			Checksum:          clone(entry.Checksum),
		},
	}
}

func clone(s *string) *string {
	if s == nil {
		return nil
	}
	c := *s
	return &c
}
