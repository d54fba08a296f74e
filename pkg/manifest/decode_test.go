package manifest

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

func fixtureJSON(t testing.TB, m *Manifest) string {
	t.Helper()
	data, err := document.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestDecodeStrictness: required fields must be present and non-null, enums must be known,
// optional fields may be missing, unknown fields are ignored.
func TestDecodeStrictness(t *testing.T) {
	base := fixtureJSON(t, validManifest())
	cases := []struct {
		name, old, new string
		want           error
	}{
		{"missing backup_id", `"backup_id": "fbk_test_001",`, ``, ErrMissingField},
		{"null tool name", `"name": "canic"`, `"name": null`, ErrMissingField},
		{"missing roles", `"roles": [
          "root",
          "app"
        ]`, `"other": 1`, ErrMissingField},
		{"missing member checks", `"member_checks": []`, `"x": []`, ErrMissingField},
		{"unknown unit kind", `"kind": "subtree"`, `"kind": "forest"`, plan.ErrUnknownEnum},
		{"unknown identity mode", `"identity_mode": "fixed"`, `"identity_mode": "moving"`, plan.ErrUnknownEnum},
		{"version out of range", `"manifest_version": 1`, `"manifest_version": 70000`, nil},
		{"version 2 without canister_ids", `"manifest_version": 1`, `"manifest_version": 2`, ErrEmptyCollection},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := strings.Replace(base, c.old, c.new, 1)
			if doc == base {
				t.Fatal("fixture text not found")
			}
			_, err := Load([]byte(doc))
			if err == nil || (c.want != nil && !errors.Is(err, c.want)) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestDecodeOptionalAndUnknownFields(t *testing.T) {
	base := fixtureJSON(t, validManifest())
	doc := strings.Replace(base, `"checksum": "`+hashHex+`"`, `"unknown": {"nested": [1]}`, 1)
	doc = strings.Replace(doc, `"code_version": "v0.30.0",`, ``, 1)
	m, err := Load([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Fleet.Members[0].SourceSnapshot; s.Checksum != nil || s.CodeVersion != nil {
		t.Fatalf("missing optionals must read as null: %+v", s)
	}
	if strings.Contains(fixtureJSON(t, m), `"checksum": null`) == false {
		t.Fatal("null optionals must be written explicitly")
	}
}

// TestVersion1IgnoresCanisterIDs: canister_ids is not a version 1 field, so reading ignores it
// and writing never emits it.
func TestVersion1IgnoresCanisterIDs(t *testing.T) {
	doc := strings.Replace(fixtureJSON(t, validManifest()), `"kind": "subtree",`, `"kind": "subtree", "canister_ids": ["bad"],`, 1)
	m, err := Load([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if m.Consistency.BackupUnits[0].CanisterIDs != nil || strings.Contains(fixtureJSON(t, m), "canister_ids") {
		t.Fatal("canister_ids kept in a version 1 document")
	}
}

func TestLoadLimitsAndMalformedInput(t *testing.T) {
	big := bytes.Repeat([]byte(" "), document.MaxSize+1)
	if _, err := Load(big); !errors.Is(err, document.ErrTooLarge) {
		t.Fatalf("oversize: %v", err)
	}
	for _, in := range []string{"", "null", "[]", "{", `{"manifest_version": "1"}`, `"x"`} {
		if _, err := Load([]byte(in)); err == nil {
			t.Fatalf("%q: want error", in)
		}
	}
	var m *Manifest
	if err := m.Validate(); !errors.Is(err, ErrMissingInput) {
		t.Fatalf("nil manifest: %v", err)
	}
}

func TestUpperCaseHexAccepted(t *testing.T) {
	m := validManifest()
	m.Fleet.Members[0].SourceSnapshot.Checksum = strp(strings.ToUpper(hashHex))
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
}
