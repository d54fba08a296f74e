package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

func TestSampleFleetShape(t *testing.T) {
	f, err := parseFleet(SampleFleetJSON())
	mustOK(t, err)
	if len(f.members) != 12 || f.root != sampleRoot {
		t.Fatalf("sample fleet: %d members, root %s", len(f.members), f.root)
	}
	depth := map[string]int{}
	roles := map[string]bool{}
	perDepth := map[int]int{}
	for _, m := range f.members {
		if !principal.Valid(m.pid) || len(m.blob) != 10 || len(m.moduleHash) != 32 {
			t.Errorf("member %+v: want a 10-byte canister id and a 32-byte module hash", m)
		}
		if roles[m.role] {
			t.Errorf("duplicate role %s", m.role)
		}
		roles[m.role] = true
		if m.parent != "" {
			depth[m.pid] = depth[m.parent] + 1
		}
		perDepth[depth[m.pid]]++
	}
	if !reflect.DeepEqual(perDepth, map[int]int{0: 1, 1: 3, 2: 8}) {
		t.Fatalf("canisters per level = %v, want root, 3 children, 8 grandchildren", perDepth)
	}
	if !bytes.Equal(f.registry, SampleFleetJSON()) {
		t.Fatal("sample fleet does not re-render to itself")
	}
}

func TestRegistryOnlyFromRoot(t *testing.T) {
	s := newSim(t, "", Config{})
	got, err := s.Registry(context.Background(), s.Root())
	mustOK(t, err)
	if !bytes.Equal(got, SampleFleetJSON()) {
		t.Fatalf("Registry = %s", got)
	}
	for _, id := range []string{sampleHub, strangerID, "not a principal"} {
		_, err := s.Registry(context.Background(), id)
		mustErr(t, err, executor.ErrPermanent, ErrCanisterNotFound)
	}
}

// The registry reply keeps the shape of DOMAIN §1.1 as DFINITY's Candid library renders it:
// rendering the vectors' expected JSON gives it back.
func TestRegistryShapeMatchesCandidVectors(t *testing.T) {
	data, err := os.ReadFile("testdata/registry-candid-vectors.json")
	mustOK(t, err)
	var vectors struct {
		Cases []struct {
			Name         string          `json:"name"`
			ExpectedJSON json.RawMessage `json:"expected_json"`
		} `json:"cases"`
	}
	mustOK(t, json.Unmarshal(data, &vectors))
	checked := 0
	for _, c := range vectors.Cases {
		if len(c.ExpectedJSON) == 0 || c.Name == "ok-empty" {
			continue
		}
		f, err := parseFleet(c.ExpectedJSON)
		mustOK(t, err)
		var want, got any
		mustOK(t, json.Unmarshal(c.ExpectedJSON, &want))
		mustOK(t, json.Unmarshal(f.registry, &got))
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s: rendered %s", c.Name, f.registry)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no vector checked")
	}
}

const customFleet = `[
 {"pid": "r7inp-6aaaa-aaaaa-aaabq-cai", "role": "root", "record": {"parent_pid": null, "kind": "root"}},
 {"pid": "renrk-eyaaa-aaaaa-aaada-cai", "role": "app",
  "record": {"parent_pid": ["r7inp-6aaaa-aaaaa-aaabq-cai"], "module_hash": "01ab", "created_at": 17}},
 {"pid": "rno2w-sqaaa-aaaaa-aaacq-cai", "role": "worker",
  "record": {"parent_pid": "renrk-eyaaa-aaaaa-aaada-cai", "module_hash": [1, 171], "created_at": "18"}}
]`

func TestFleetFile(t *testing.T) {
	dir, file := t.TempDir(), filepath.Join(t.TempDir(), "fleet.json")
	mustOK(t, os.WriteFile(file, []byte(customFleet), 0o644))
	s := newSim(t, dir, Config{FleetFile: file})
	if s.Root() != "r7inp-6aaaa-aaaaa-aaabq-cai" {
		t.Fatalf("Root = %s", s.Root())
	}
	reg, err := s.Registry(context.Background(), s.Root())
	mustOK(t, err)
	want := `{"Ok":[{"pid":"r7inp-6aaaa-aaaaa-aaabq-cai","role":"root","record":{"pid":"r7inp-6aaaa-aaaaa-aaabq-cai","role":"root","parent_pid":null,"module_hash":null,"created_at":"0"}},` +
		`{"pid":"renrk-eyaaa-aaaaa-aaada-cai","role":"app","record":{"pid":"renrk-eyaaa-aaaaa-aaada-cai","role":"app","parent_pid":"r7inp-6aaaa-aaaaa-aaabq-cai","module_hash":[1,171],"created_at":"17"}},` +
		`{"pid":"rno2w-sqaaa-aaaaa-aaacq-cai","role":"worker","record":{"pid":"rno2w-sqaaa-aaaaa-aaacq-cai","role":"worker","parent_pid":"renrk-eyaaa-aaaaa-aaada-cai","module_hash":[1,171],"created_at":"18"}}]}`
	if string(reg) != want {
		t.Fatalf("Registry =\n%s\nwant\n%s", reg, want)
	}
	// Another process without --sim-fleet sees the stored fleet, not the sample.
	if other := newSim(t, dir, Config{}); other.Root() != s.Root() {
		t.Fatalf("second instance root %s", other.Root())
	}
	// The same fleet file is accepted again; a different one is refused.
	newSim(t, dir, Config{FleetFile: file})
	sample := filepath.Join(t.TempDir(), "sample.json")
	mustOK(t, os.WriteFile(sample, SampleFleetJSON(), 0o644))
	_, err = New(Config{StateDir: dir, FleetFile: sample})
	mustErr(t, err, ErrFleetMismatch)
	if _, err := s.Status(context.Background(), sampleRoot); err == nil {
		t.Fatal("sample canister known to a custom fleet")
	}
}

func TestParseFleetErrors(t *testing.T) {
	root, app := `"r7inp-6aaaa-aaaaa-aaabq-cai"`, `"renrk-eyaaa-aaaaa-aaada-cai"`
	entry := func(pid, parent string) string {
		return `{"pid":` + pid + `,"role":"r","record":{"parent_pid":` + parent + `}}`
	}
	for name, doc := range map[string]string{
		"not json":        `{`,
		"object no Ok":    `{"Err": {"code": {"NotFound": null}, "message": "x"}}`,
		"Ok not array":    `{"Ok": 3}`,
		"scalar":          `7`,
		"empty":           `[]`,
		"entry no pid":    `[{"role": "root"}]`,
		"entry not obj":   `[3]`,
		"bad principal":   `[` + entry(`"aaaaa-ab"`, "null") + `]`,
		"duplicate pid":   `[` + entry(root, "null") + `,` + entry(root, "null") + `]`,
		"two roots":       `[` + entry(root, "null") + `,` + entry(app, "null") + `]`,
		"no root":         `[` + entry(root, app) + `,` + entry(app, root) + `]`,
		"unknown parent":  `[` + entry(root, "null") + `,` + entry(app, `"rno2w-sqaaa-aaaaa-aaacq-cai"`) + `]`,
		"bad parent":      `[` + entry(root, "null") + `,` + entry(app, `"nope"`) + `]`,
		"parent type":     `[` + entry(root, "null") + `,` + entry(app, `7`) + `]`,
		"record type":     `[{"pid":` + root + `,"record":[]}]`,
		"module hash hex": `[{"pid":` + root + `,"record":{"module_hash":"zz"}}]`,
		"module hash int": `[{"pid":` + root + `,"record":{"module_hash":[256]}}]`,
		"module hash obj": `[{"pid":` + root + `,"record":{"module_hash":{}}}]`,
		"created_at":      `[{"pid":` + root + `,"record":{"created_at":"-1"}}]`,
		"cycle": `[` + entry(root, "null") + `,` + entry(app, `"rno2w-sqaaa-aaaaa-aaacq-cai"`) + `,` +
			entry(`"rno2w-sqaaa-aaaaa-aaacq-cai"`, app) + `]`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parseFleet([]byte(doc))
			mustErr(t, err, ErrInvalidFleet)
		})
	}
}
