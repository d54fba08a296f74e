package manifest

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/document"
)

// TestFixtureValidates is M1.
func TestFixtureValidates(t *testing.T) {
	if err := validManifest().Validate(); err != nil {
		t.Fatalf("M1: %v", err)
	}
}

// TestLegacyWasmHashIgnored is M2: an extra source_snapshot.wasm_hash is ignored on read.
func TestLegacyWasmHashIgnored(t *testing.T) {
	var doc map[string]any
	data, _ := json.Marshal(validManifest())
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	members := doc["fleet"].(map[string]any)["members"].([]any)
	members[0].(map[string]any)["source_snapshot"].(map[string]any)["wasm_hash"] = hashHex
	data, _ = json.Marshal(doc)
	m, err := Load(data)
	if err != nil {
		t.Fatalf("M2: %v", err)
	}
	if got := m.Fleet.Members[0].SourceSnapshot.ModuleHash; got == nil || *got != hashHex {
		t.Fatalf("M2: module hash = %v", got)
	}
}

// TestRoundTrip is M18: a JSON round trip still validates and keeps the document.
func TestRoundTrip(t *testing.T) {
	data, err := document.Marshal(validManifest())
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(data)
	if err != nil {
		t.Fatalf("M18: %v", err)
	}
	again, _ := document.Marshal(m)
	if string(again) != string(data) {
		t.Fatalf("M18: round trip changed the document:\n%s\n%s", data, again)
	}
}

// pinnedCases are the §11 rows M3–M17, one row each.
var pinnedCases = []validationCase{
	{"M3 checksum not a sha", func(m *Manifest) { m.Fleet.Members[0].SourceSnapshot.Checksum = strp("not-a-sha") },
		ErrInvalidHash, field("fleet.members[].source_snapshot.checksum")},
	{"M4 pre-snapshot hash differs", func(m *Manifest) { m.Fleet.PreSnapshotTopologyHash = hashF },
		ErrTopologyHashMismatch, func(t *testing.T, e *Error) { eq(t, e.Expected+"/"+e.Actual, hashHex+"/"+hashF) }},
	{"M5 member without checks", func(m *Manifest) { m.Fleet.Members[0].VerificationChecks = []VerificationCheck{} },
		ErrMissingMemberVerificationChecks, func(t *testing.T, e *Error) { eq(t, e.CanisterID, rootID) }},
	{"M6 unknown unit role", func(m *Manifest) { addRole(m, "missing-role") },
		ErrUnknownBackupUnitRole, func(t *testing.T, e *Error) { eq(t, e.UnitID+"/"+e.Role, "core/missing-role") }},
	{"M7 duplicate unit id", func(m *Manifest) {
		m.Consistency.BackupUnits = append(m.Consistency.BackupUnits, m.Consistency.BackupUnits[0])
	},
		ErrDuplicateBackupUnitID, func(t *testing.T, e *Error) { eq(t, e.UnitID, "core") }},
	{"M8 duplicate unit role", func(m *Manifest) { addRole(m, "root") },
		ErrDuplicateBackupUnitRole, func(t *testing.T, e *Error) { eq(t, e.UnitID+"/"+e.Role, "core/root") }},
	{"M9 single unit leaves app uncovered", func(m *Manifest) { setUnit(m, UnitSingle, "root") },
		ErrBackupUnitCoverageMissingRole, func(t *testing.T, e *Error) { eq(t, e.Role, "app") }},
	{"M10 fleet check role unknown", func(m *Manifest) { fleetCheck(m).Roles = []string{"missing-role"} },
		ErrUnknownVerificationRole, func(t *testing.T, e *Error) { eq(t, e.Role, "missing-role") }},
	{"M11 member check role unknown", func(m *Manifest) { m.Fleet.Members[0].VerificationChecks[0].Roles = []string{"missing-role"} },
		ErrUnknownVerificationRole, func(t *testing.T, e *Error) { eq(t, e.CanisterID, rootID) }},
	{"M12 repeated fleet check role", func(m *Manifest) { fleetCheck(m).Roles = []string{"root", "root"} },
		ErrDuplicateVerificationCheckRole, func(t *testing.T, e *Error) { eq(t, e.Value+"/"+e.Role, "status/root") }},
	{"M13 member group for unknown role", func(m *Manifest) { addGroup(m, memberGroup("missing-role")) },
		ErrUnknownVerificationRole, func(t *testing.T, e *Error) { eq(t, e.Role, "missing-role") }},
	{"M14 two member groups for root", func(m *Manifest) { addGroup(m, memberGroup("root"), memberGroup("root")) },
		ErrDuplicateMemberVerificationRole, func(t *testing.T, e *Error) { eq(t, e.Role, "root") }},
	{"M15 nested check role unknown", func(m *Manifest) { addGroup(m, memberGroup("root", "missing-role")) },
		ErrUnknownVerificationRole, func(t *testing.T, e *Error) { eq(t, e.Role, "missing-role") }},
	{"M16 subtree unit misses app", func(m *Manifest) { setUnit(m, UnitSubtree, "root") },
		ErrSubtreeBackupUnitMissingDescendant, func(t *testing.T, e *Error) {
			eq(t, e.UnitID+"/"+e.Parent+"/"+e.CanisterID, "core/"+rootID+"/"+childID)
		}},
	{"M17 subtree unit not connected", func(m *Manifest) {
		m.Fleet.Members = append(m.Fleet.Members, fixtureMember("worker", extraID, nil, "relocatable"))
		setUnit(m, UnitSubtree, "app", "worker")
	}, ErrSubtreeBackupUnitNotConnected, func(t *testing.T, e *Error) { eq(t, e.UnitID, "core") }},
}

// TestValidationCases covers M3–M17 and the remaining §8.2 rules, one row each.
func TestValidationCases(t *testing.T) {
	cases := append([]validationCase{}, pinnedCases...)
	cases = append(cases, headerCases...)
	cases = append(cases, fleetCases...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := validManifest()
			c.mutate(m)
			err := m.Validate()
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%T is not *Error", err)
			}
			if e.Error() == "" {
				t.Fatal("empty message")
			}
			if c.check != nil {
				c.check(t, e)
			}
		})
	}
}

func field(want string) func(t *testing.T, e *Error) {
	return func(t *testing.T, e *Error) { t.Helper(); eq(t, e.Field, want) }
}

func eq(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func addRole(m *Manifest, role string) {
	u := &m.Consistency.BackupUnits[0]
	u.Roles = append(u.Roles, role)
}

func setUnit(m *Manifest, kind UnitKind, roles ...string) {
	m.Consistency.BackupUnits[0].Kind = kind
	m.Consistency.BackupUnits[0].Roles = roles
}

func fleetCheck(m *Manifest) *VerificationCheck { return &m.Verification.FleetChecks[0] }

func addGroup(m *Manifest, groups ...MemberVerificationChecks) {
	m.Verification.MemberChecks = append(m.Verification.MemberChecks, groups...)
}
