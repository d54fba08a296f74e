package manifest

import (
	"errors"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/document"
)

// validV2 is a version 2 fixture with a repeated role: app A (child of the unlisted root) with
// workers W1 and W2, and a third worker X under the root. Units: subtree [A, W1, W2], single [X].
func validV2() *Manifest {
	m := validManifest()
	m.ManifestVersion = Version2
	m.Fleet.Members = []Member{
		fixtureMember("app", childID, strp(rootID), "relocatable"),
		fixtureMember("worker", workerID, strp(childID), "relocatable"),
		fixtureMember("worker", otherID, strp(childID), "relocatable"),
		fixtureMember("worker", extraID, strp(rootID), "relocatable"),
	}
	m.Consistency.BackupUnits = []BackupUnit{
		{UnitID: "backup-selection-1", Kind: UnitSubtree, Roles: []string{"app", "worker"}, CanisterIDs: []string{childID, workerID, otherID}},
		{UnitID: "backup-selection-2", Kind: UnitSingle, Roles: []string{"worker"}, CanisterIDs: []string{extraID}},
	}
	return m
}

func TestV2FixtureValidatesAndRoundTrips(t *testing.T) {
	m := validV2()
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	data, err := document.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"canister_ids": [`) {
		t.Fatalf("v2 units must list canister_ids:\n%s", data)
	}
	back, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Consistency.BackupUnits[0].CanisterIDs; len(got) != 3 || got[2] != otherID {
		t.Fatalf("canister ids = %v", got)
	}
}

// TestV2Rules checks each member-keyed rule that replaces a role-keyed one, and that the
// version-independent rules still apply.
func TestV2Rules(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(m *Manifest)
		want   error
		check  func(t *testing.T, e *Error)
	}{
		{"no canister ids", func(m *Manifest) { unit(m, 1).CanisterIDs = nil }, ErrEmptyCollection,
			field("consistency.backup_units[].canister_ids")},
		{"canister id not a principal", func(m *Manifest) { unit(m, 1).CanisterIDs = []string{"nope"} }, ErrInvalidPrincipal,
			field("consistency.backup_units[].canister_ids[]")},
		{"canister listed twice in a unit", func(m *Manifest) { unit(m, 0).CanisterIDs = []string{childID, workerID, workerID} },
			ErrDuplicateBackupUnitMember, func(t *testing.T, e *Error) { eq(t, e.CanisterID, workerID) }},
		{"canister in two units", func(m *Manifest) { unit(m, 1).CanisterIDs = []string{extraID, workerID} },
			ErrDuplicateBackupUnitMember, func(t *testing.T, e *Error) { eq(t, e.UnitID+"/"+e.Expected, "backup-selection-2/backup-selection-1") }},
		{"canister not a member", func(m *Manifest) { unit(m, 1).CanisterIDs = []string{extraID, rootID} },
			ErrUnknownBackupUnitMember, func(t *testing.T, e *Error) { eq(t, e.CanisterID, rootID) }},
		{"unit role no member has", func(m *Manifest) { unit(m, 1).Roles = []string{"worker", "app"} },
			ErrUnknownBackupUnitRole, func(t *testing.T, e *Error) { eq(t, e.UnitID+"/"+e.Role, "backup-selection-2/app") }},
		{"member role not listed", func(m *Manifest) { unit(m, 0).Roles = []string{"app"} },
			ErrBackupUnitMemberRoleNotListed, func(t *testing.T, e *Error) { eq(t, e.CanisterID+"/"+e.Role, workerID+"/worker") }},
		{"unit repeats a role", func(m *Manifest) { unit(m, 1).Roles = []string{"worker", "worker"} },
			ErrDuplicateBackupUnitRole, nil},
		{"subtree with two tops", func(m *Manifest) {
			m.Consistency.BackupUnits = []BackupUnit{
				{UnitID: "u1", Kind: UnitSubtree, Roles: []string{"worker"}, CanisterIDs: []string{workerID, otherID}},
				{UnitID: "u2", Kind: UnitSingle, Roles: []string{"app", "worker"}, CanisterIDs: []string{childID, extraID}},
			}
		}, ErrSubtreeBackupUnitNotConnected, func(t *testing.T, e *Error) { eq(t, e.UnitID, "u1") }},
		{"subtree over a parent cycle", func(m *Manifest) { m.Fleet.Members[0].ParentCanisterID = strp(workerID) },
			ErrSubtreeBackupUnitNotConnected, nil},
		{"subtree misses a descendant", func(m *Manifest) {
			unit(m, 0).CanisterIDs = []string{childID, workerID}
			unit(m, 1).CanisterIDs = []string{extraID, otherID}
		}, ErrSubtreeBackupUnitMissingDescendant, func(t *testing.T, e *Error) {
			eq(t, e.UnitID+"/"+e.Parent+"/"+e.CanisterID, "backup-selection-1/"+childID+"/"+otherID)
		}},
		{"member in no unit", func(m *Manifest) { m.Consistency.BackupUnits = m.Consistency.BackupUnits[:1] },
			ErrBackupUnitCoverageMissingMember, func(t *testing.T, e *Error) { eq(t, e.CanisterID+"/"+e.Role, extraID+"/worker") }},
		{"verification role unknown", func(m *Manifest) { fleetCheck(m).Roles = []string{"root"} },
			ErrUnknownVerificationRole, nil},
		{"member groups still unique per role", func(m *Manifest) { addGroup(m, memberGroup("worker"), memberGroup("worker")) },
			ErrDuplicateMemberVerificationRole, nil},
		{"version 1 rules do not apply: roles repeat across units", func(m *Manifest) {}, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := validV2()
			c.mutate(m)
			err := m.Validate()
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			var e *Error
			if c.check != nil && errors.As(err, &e) {
				c.check(t, e)
			}
		})
	}
}

// TestV1RulesRejectTheV2Shape shows why version 2 exists: the same fleet, keyed by role, fails.
func TestV1RulesRejectTheV2Shape(t *testing.T) {
	m := validV2()
	m.ManifestVersion = Version1
	for i := range m.Consistency.BackupUnits {
		m.Consistency.BackupUnits[i].CanisterIDs = nil
	}
	if err := m.Validate(); !errors.Is(err, ErrSubtreeBackupUnitNotConnected) {
		t.Fatalf("got %v", err)
	}
}

func unit(m *Manifest, i int) *BackupUnit { return &m.Consistency.BackupUnits[i] }
