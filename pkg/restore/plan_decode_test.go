package restore

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// planJSON is fixture A's plan as a generic JSON tree, to edit and re-encode.
func planJSON(t *testing.T) map[string]any {
	t.Helper()
	data, err := EncodePlan(mustPlan(t, fixtureA(plan.IdentityRelocatable), nil))
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := json.Unmarshal(data, &tree); err != nil {
		t.Fatal(err)
	}
	return tree
}

func reencode(t *testing.T, tree map[string]any) []byte {
	t.Helper()
	data, err := json.Marshal(tree)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func member(tree map[string]any, i int) map[string]any {
	return tree["members"].([]any)[i].(map[string]any)
}

func TestR11_PlanDecodeIsStrict(t *testing.T) {
	cases := []struct {
		name string
		edit func(tree map[string]any)
		want error
	}{
		{"extra field", func(tr map[string]any) { tr["extra"] = 1 }, ErrDecode},
		{"no plan_version", func(tr map[string]any) { delete(tr, "plan_version") }, ErrDecode},
		{"no deployment checks", func(tr map[string]any) { delete(tr, "deployment_verification_checks") }, ErrDecode},
		{"no planned stops", func(tr map[string]any) { delete(tr["operation_summary"].(map[string]any), "planned_canister_stops") }, ErrDecode},
		{"no planned starts", func(tr map[string]any) { delete(tr["operation_summary"].(map[string]any), "planned_canister_starts") }, ErrDecode},
		{"no parent source", func(tr map[string]any) { delete(member(tr, 0), "parent_source_canister") }, ErrDecode},
		{"no parent target", func(tr map[string]any) { delete(member(tr, 1), "parent_target_canister") }, ErrDecode},
		{"no ordering dependency", func(tr map[string]any) { delete(member(tr, 1), "ordering_dependency") }, ErrDecode},
		{"null members", func(tr map[string]any) { tr["members"] = nil }, ErrDecode},
		{"unknown identity mode", func(tr map[string]any) { member(tr, 0)["identity_mode"] = "floating" }, ErrDecode},
		{"version 2", func(tr map[string]any) { tr["plan_version"] = 2 }, ErrUnsupportedVersion},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tree := planJSON(t)
			c.edit(tree)
			if _, err := LoadPlan(reencode(t, tree)); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestR12_PlanProjectionMismatch(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(p *Plan)
		field string
	}{
		{"readiness flipped", func(p *Plan) { p.ReadinessSummary.Ready = false }, "readiness_summary"},
		{"parent target elsewhere", func(p *Plan) { p.Members[1].ParentTargetCanister = sp(targetID) }, "members[].parent_target_canister"},
		{"members swapped", func(p *Plan) { p.Members[0], p.Members[1] = p.Members[1], p.Members[0] }, "members"},
		{"identity", func(p *Plan) { p.IdentitySummary.FixedMembers = 2 }, "identity_summary"},
		{"snapshot", func(p *Plan) { p.SnapshotSummary.MembersWithChecksum = 1 }, "snapshot_summary"},
		{"verification", func(p *Plan) { p.VerificationSummary.TotalChecks = 3 }, "verification_summary"},
		{"operation", func(p *Plan) { p.OperationSummary.PlannedOperations = 11 }, "operation_summary"},
		{"ordering", func(p *Plan) { p.OrderingSummary.ParentEdges = 0 }, "ordering_summary"},
		{"algorithm", func(p *Plan) { p.Members[0].SourceSnapshot.ChecksumAlgorithm = "md5" }, "members[].source_snapshot.checksum_algorithm"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := mustPlan(t, fixtureA(plan.IdentityRelocatable), nil)
			c.edit(p)
			var e *Error
			if err := p.Validate(); !errors.Is(err, ErrProjectionMismatch) || !errors.As(err, &e) || e.Field != c.field {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestPlanValidationOrder(t *testing.T) {
	cases := []struct {
		name string
		edit func(p *Plan)
		want error
	}{
		{"empty backup id", func(p *Plan) { p.BackupID = "" }, ErrEmptyField},
		{"empty environment", func(p *Plan) { p.SourceEnvironment = "" }, ErrEmptyField},
		{"bad root", func(p *Plan) { p.SourceRootCanister = "root" }, ErrInvalidPrincipal},
		{"bad topology hash", func(p *Plan) { p.TopologyHash = "abc" }, ErrInvalidHash},
		{"member count", func(p *Plan) { p.MemberCount = 3 }, ErrMemberCountMismatch},
		{"no members", func(p *Plan) { p.Members, p.MemberCount = []Member{}, 0 }, ErrEmptyField},
		{"bad target", func(p *Plan) { p.Members[1].TargetCanister = "x" }, ErrInvalidPrincipal},
		{"empty role", func(p *Plan) { p.Members[1].Role = "" }, ErrEmptyField},
		{"duplicate source", func(p *Plan) { p.Members[1].SourceCanister = rootID }, ErrDuplicatePlanSource},
		{"duplicate target", func(p *Plan) { p.Members[1].TargetCanister = rootID }, ErrDuplicatePlanTarget},
		{"fixed remapped", func(p *Plan) { p.Members[0].TargetCanister = targetID }, ErrFixedIdentityRemap},
		{"no snapshot id", func(p *Plan) { p.Members[0].SourceSnapshot.SnapshotID = "" }, ErrEmptyField},
		{"bad checksum", func(p *Plan) { p.Members[0].SourceSnapshot.Checksum = sp("zz") }, ErrInvalidHash},
		{"empty check kind", func(p *Plan) { p.Members[0].VerificationChecks[0].Kind = "" }, ErrEmptyField},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := mustPlan(t, fixtureA(plan.IdentityRelocatable), nil)
			c.edit(p)
			if err := p.Validate(); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

// The plan round-trips byte for byte, every field is written and nullable ones as null.
func TestPlanEncodingRoundTrip(t *testing.T) {
	p := mustPlan(t, fixtureA(plan.IdentityRelocatable), nil)
	data, err := EncodePlan(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"plan_version": 1,`, `"parent_source_canister": null,`,
		`"ordering_dependency": null,`, `"deployment_verification_checks": [],`, `"reasons": []`} {
		if !strings.Contains(string(data), want) {
			t.Fatalf("missing %s in\n%s", want, data)
		}
	}
	if !strings.HasPrefix(string(data), "{\n  \"plan_version\": 1,\n  \"backup_id\"") || bytes.HasSuffix(data, []byte("\n")) {
		t.Fatalf("layout:\n%s", data)
	}
	back, err := LoadPlan(data)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := EncodePlan(back)
	if !bytes.Equal(data, again) {
		t.Fatal("round trip changed the bytes")
	}
	p.DeploymentVerificationChecks = nil
	if _, err := EncodePlan(p); !errors.Is(err, ErrDecode) {
		t.Fatalf("a nil list must not be written as null: %v", err)
	}
}

func TestLoadMappingIsStrict(t *testing.T) {
	good := `{"members":[{"source_canister":"aaaaa-aa","target_canister":"aaaaa-aa"}]}`
	if _, err := LoadMapping([]byte(good)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`{"members":[{"source_canister":"aaaaa-aa"}]}`, `{"members":[],"x":1}`, `{}`, `[]`, `{"members":null}`} {
		if _, err := LoadMapping([]byte(bad)); !errors.Is(err, ErrDecode) {
			t.Fatalf("%s: %v", bad, err)
		}
	}
}
