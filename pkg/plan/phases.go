package plan

import (
	"cmp"
	"slices"
)

// Operation ids of the four preflight phases and of the final phase (DOMAIN §2.4).
const (
	OpValidateTopology     = "validate-topology"
	OpValidateControl      = "validate-control-authority"
	OpValidateSnapshotRead = "validate-snapshot-read-authority"
	OpValidateQuiescence   = "validate-quiescence-policy"
	OpFinalizeManifest     = "finalize-manifest"
)

// Phases generates the operations for targets in the exact order of DOMAIN §2.4: the four
// validations; stops and snapshots top-down (depth, then canister id byte-wise); starts in
// the reverse of that order; download and verify per target in plan order; finalize.
func Phases(targets []Target) []Operation {
	td := make([]*Target, len(targets))
	for i := range targets {
		td[i] = &targets[i]
	}
	// Targets with equal keys have equal ids and yield equal operations: stability is moot.
	slices.SortFunc(td, func(a, b *Target) int {
		return cmp.Or(cmp.Compare(a.Depth, b.Depth), cmp.Compare(a.CanisterID, b.CanisterID))
	})
	b := phaseBuilder{
		ops: make([]Operation, 0, 5*len(targets)+5),
		ids: make([]string, 0, 5*len(targets)), // one target string per op: no pointer aliasing
	}
	b.add(OpValidateTopology, KindValidateTopology)
	b.add(OpValidateControl, KindValidateControl)
	b.add(OpValidateSnapshotRead, KindValidateSnapshotRead)
	b.add(OpValidateQuiescence, KindValidateQuiescence)
	for _, t := range td {
		b.addFor("stop-"+t.CanisterID, KindStop, t.CanisterID)
	}
	for _, t := range td {
		b.addFor("snapshot-"+t.CanisterID, KindCreateSnapshot, t.CanisterID)
	}
	for i := len(td) - 1; i >= 0; i-- {
		b.addFor("start-"+td[i].CanisterID, KindStart, td[i].CanisterID)
	}
	for _, t := range targets {
		b.addFor("download-"+t.CanisterID, KindDownloadSnapshot, t.CanisterID)
		b.addFor("verify-"+t.CanisterID, KindVerifyArtifact, t.CanisterID)
	}
	b.add(OpFinalizeManifest, KindFinalizeManifest)
	return b.ops
}

// phaseBuilder appends operations with their order; target strings live in one backing slice.
type phaseBuilder struct {
	ops []Operation
	ids []string
}

// add appends an operation without target.
func (b *phaseBuilder) add(id string, kind OperationKind) {
	b.ops = append(b.ops, Operation{OperationID: id, Order: uint32(len(b.ops)), Kind: kind})
}

// addFor appends an operation on target.
func (b *phaseBuilder) addFor(id string, kind OperationKind, target string) {
	b.ids = append(b.ids, target)
	b.ops = append(b.ops, Operation{OperationID: id, Order: uint32(len(b.ops)), Kind: kind,
		TargetCanisterID: &b.ids[len(b.ids)-1]})
}
