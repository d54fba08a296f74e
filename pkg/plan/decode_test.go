package plan

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/document"
)

func planJSON(t testing.TB, p *Plan) []byte {
	t.Helper()
	data, err := document.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestLoadRoundTrip(t *testing.T) {
	built, err := Build(buildInput(ScopeSubtree, sp(APP)))
	if err != nil {
		t.Fatal(err)
	}
	built.Targets[0].ControlAuthority = ControlAuthority{
		Source: ControlSource{Kind: ControlAlternateController, Controller: OTHER, Reason: "delegated"}, Evidence: EvidenceDeclared}
	for _, p := range []*Plan{fixturePlan(), built} {
		data := planJSON(t, p)
		got, err := Load(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Fatalf("round trip differs:\n%s", data)
		}
		if again := planJSON(t, got); !bytes.Equal(again, data) {
			t.Fatal("re-encoding differs")
		}
	}
}

func TestPlanJSONShape(t *testing.T) {
	data := string(planJSON(t, fixturePlan()))
	for _, want := range []string{
		`"selected_subtree_root": "renrk-eyaaa-aaaaa-aaada-cai",`,
		`"expected_module_hash": null`,
		`"source": {
          "kind": "root-controller"
        },`,
		`"target_canister_id": null`,
	} {
		if !strings.Contains(data, want) {
			t.Errorf("missing %s in\n%s", want, data)
		}
	}
	keys := []string{"plan_id", "run_id", "fleet", "network", "root_canister_id", "selected_subtree_root",
		"selected_scope_kind", "include_descendants", "root_included", "requires_root_controller",
		"snapshot_read_authority", "quiescence_policy", "topology_hash_before_quiesce", "targets", "phases"}
	last := -1
	for _, k := range keys {
		i := strings.Index(data, `"`+k+`"`)
		if i <= last {
			t.Fatalf("key %s out of order", k)
		}
		last = i
	}
}

func TestLoadRejects(t *testing.T) {
	valid := string(planJSON(t, fixturePlan()))
	cases := []struct {
		name    string
		edit    func(string) string
		wantErr error
	}{
		{"missing plan_id", func(s string) string { return strings.Replace(s, `"plan_id": "plan-001",`, "", 1) }, ErrMissingField},
		{"null fleet", func(s string) string { return strings.Replace(s, `"fleet": "demo"`, `"fleet": null`, 1) }, ErrMissingField},
		{"null targets", func(s string) string {
			return s[:strings.Index(s, `"targets"`)] + `"targets": null, "phases": []}`
		}, ErrMissingField},
		{"missing depth", func(s string) string { return strings.Replace(s, `"depth": 1,`, "", 1) }, ErrMissingField},
		{"missing op kind", func(s string) string {
			return strings.Replace(s, `"kind": "finalize-manifest",`, "", 1)
		}, ErrMissingField},
		{"missing evidence", func(s string) string {
			return strings.Replace(s, `,
    "evidence": "proven"`, "", 1)
		}, ErrMissingField},
		{"alternate without reason", func(s string) string {
			return strings.Replace(s, `"kind": "root-controller"`, `"kind": "alternate-controller", "controller": "aaaaa-aa"`, 1)
		}, ErrMissingField},
		{"unknown scope", func(s string) string { return strings.Replace(s, `"subtree"`, `"everything"`, 1) }, ErrUnknownEnum},
		{"unknown evidence", func(s string) string { return strings.Replace(s, `"proven"`, `"sure"`, 1) }, ErrUnknownEnum},
		{"unknown op kind", func(s string) string { return strings.Replace(s, `"kind": "stop"`, `"kind": "halt"`, 1) }, ErrUnknownEnum},
		{"invalid plan", func(s string) string { return strings.Replace(s, `"network": "local"`, `"network": ""`, 1) }, ErrEmptyField},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			edited := c.edit(valid)
			if edited == valid {
				t.Fatal("edit did not apply")
			}
			if _, err := Load([]byte(edited)); !errors.Is(err, c.wantErr) {
				t.Fatalf("err = %v, want %v", err, c.wantErr)
			}
		})
	}
	for name, data := range map[string]string{
		"wrong type":   strings.Replace(valid, `"depth": 1`, `"depth": "1"`, 1),
		"negative":     strings.Replace(valid, `"order": 0`, `"order": -1`, 1),
		"role number":  strings.Replace(valid, `"role": "app"`, `"role": 7`, 1),
		"not object":   `[1,2]`,
		"truncated":    valid[:len(valid)/2],
		"empty":        ``,
		"null":         `null`,
		"target array": strings.Replace(valid, `"targets": [`, `"targets": [[],`, 1),
	} {
		if _, err := Load([]byte(data)); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestLoadIgnoresUnknownFieldsAndStrayControllerFields(t *testing.T) {
	valid := string(planJSON(t, fixturePlan()))
	edited := strings.Replace(valid, `"kind": "root-controller"`, `"kind": "root-controller", "controller": "x", "extra": 1`, 1)
	edited = strings.Replace(edited, `"fleet": "demo",`, `"fleet": "demo", "future_field": {"a": [1]},`, 1)
	p, err := Load([]byte(edited))
	if err != nil {
		t.Fatal(err)
	}
	if p.Targets[0].ControlAuthority.Source != (ControlSource{Kind: ControlRootController}) {
		t.Fatalf("source %+v", p.Targets[0].ControlAuthority.Source)
	}
}

func TestLoadEmptyListsAreNonNil(t *testing.T) {
	valid := string(planJSON(t, fixturePlan()))
	data := valid[:strings.Index(valid, `"targets"`)] + `"targets": [], "phases": []}`
	var p Plan
	if err := p.UnmarshalJSON([]byte(data)); err != nil {
		t.Fatal(err)
	}
	if p.Targets == nil || p.Phases == nil {
		t.Fatal("targets and phases must be non-nil after decoding")
	}
	if _, err := Load([]byte(data)); !errors.Is(err, ErrEmptyTargets) {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadTooLarge(t *testing.T) {
	data := make([]byte, document.MaxSize+1)
	if _, err := Load(data); !errors.Is(err, document.ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
}

func FuzzLoad(f *testing.F) {
	built, err := Build(buildInput(ScopeSubtree, sp(APP)))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range []*Plan{fixturePlan(), built} {
		data := planJSON(f, p)
		f.Add(data)
		f.Add(data[:len(data)/3])
		f.Add(bytes.Replace(data, []byte(`"proven"`), []byte(`"maybe"`), 1))
		f.Add(bytes.Replace(data, []byte(`"depth": 1`), []byte(`"depth": -1`), 1))
		f.Add(bytes.Replace(data, []byte(`"root-controller"`), []byte(`"alternate-controller","controller":"aaaaa-aa","reason":"r"`), 1))
		f.Add(bytes.Replace(data, []byte(`"order": 1`), []byte(`"order": 1e3`), 1))
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"targets":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Load(data)
		if err != nil {
			return
		}
		if p.Targets == nil || p.Phases == nil {
			t.Fatal("nil lists after a successful load")
		}
		again, err := Load(planJSON(t, p))
		if err != nil {
			t.Fatalf("a loaded plan does not reload: %v", err)
		}
		if !reflect.DeepEqual(again, p) {
			t.Fatal("reload differs")
		}
		_ = p.ValidateForExecution()
		_ = p.ValidateCanonical()
	})
}
