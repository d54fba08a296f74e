package journal

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Golden documents: field order, explicit nulls, [] for empty lists, no HTML escaping.
func TestGoldenJSON(t *testing.T) {
	fresh := newJournal(t, subtreePlan())
	failed := acceptedJournal(t, subtreePlan())
	complete(t, failed, 4)
	mustMark(t, failed, 5)
	if err := failed.RecordReceipt(failed.FailedReceipt(failed.Operations[5], ptr("unix:31"), "snapshot <failed> & \"x\"")); err != nil {
		t.Fatal(err)
	}
	for file, j := range map[string]*Journal{"journal-new.json": fresh, "journal-failed-snapshot.json": failed} {
		want, err := os.ReadFile("testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		got := marshal(t, j)
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs:\n%s", file, got)
		}
		loaded, err := Load(want)
		if err != nil {
			t.Fatalf("Load %s: %v", file, err)
		}
		if !bytes.Equal(marshal(t, loaded), want) {
			t.Errorf("%s does not round-trip", file)
		}
	}
}

// S5 The execution journal round-trips through JSON unchanged (decoded slices never nil).
func TestS5RoundTrip(t *testing.T) {
	for _, j := range []*Journal{newJournal(t, subtreePlan()), runToEnd(t, fleetPlan(3))} {
		data := marshal(t, j)
		got, err := Load(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, j) {
			t.Fatalf("round trip differs")
		}
		if got.OperationReceipts == nil || got.Operations[0].BlockingReasons == nil {
			t.Fatal("nil slice after decoding")
		}
	}
}

// S6 A journal with an empty plan_id is invalid: Validate (run by every write) and Load reject it.
func TestS6EmptyPlanID(t *testing.T) {
	j := newJournal(t, subtreePlan())
	j.PlanID = ""
	wantErr(t, j.Validate(), ErrMissingField, isField("plan_id"))
	_, err := Load(marshal(t, j))
	wantErr(t, err, ErrMissingField, isField("plan_id"))
	if err := document.Write(t.TempDir()+"/j.json", j); !errors.Is(err, ErrMissingField) {
		t.Fatalf("document.Write = %v", err)
	}
}

// S7 (journal side) A journal from a plan mirrors its phases position by position: sequence =
// order, same operation id, kind and target, same count.
func TestS7JournalMirrorsPlan(t *testing.T) {
	p := fleetPlan(3)
	j := newJournal(t, p)
	if len(j.Operations) != len(p.Phases) || j.PlanID != p.PlanID || j.RunID != p.RunID {
		t.Fatalf("journal %d ops, plan %d phases", len(j.Operations), len(p.Phases))
	}
	for i, ph := range p.Phases {
		op := j.Operations[i]
		if op.Sequence != int(ph.Order) || op.OperationID != ph.OperationID || op.Kind != ph.Kind ||
			!eqPtr(op.TargetCanisterID, ph.TargetCanisterID) {
			t.Fatalf("op %d = %+v, phase %+v", i, op, ph)
		}
	}
}

// S8 (journal side) Renaming op 0 to different-operation keeps the journal valid (so it is
// writable); only the plan ↔ journal integrity check (package layout) notices.
func TestS8RenamedOperationStillValid(t *testing.T) {
	j := newJournal(t, subtreePlan())
	j.Operations[0].OperationID = "different-operation"
	if err := j.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(marshal(t, j)); err != nil {
		t.Fatal(err)
	}
}

func TestLoadRejects(t *testing.T) {
	good := string(marshal(t, runToEnd(t, subtreePlan())))
	tests := []struct {
		name string
		doc  string
		want error
	}{
		{"not json", "{", ErrDecode},
		{"null", "null", ErrDecode},
		{"array", "[]", ErrDecode},
		{"missing version", strings.Replace(good, `"journal_version": 1,`, "", 1), ErrDecode},
		{"null operations", strings.Replace(good, `"operations": [`, `"operations": null, "x": [`, 1), ErrDecode},
		{"missing receipts", `{"journal_version":1,"plan_id":"p","run_id":"r","preflight_accepted":false,"restart_required":false,"operations":[]}`, ErrDecode},
		{"missing blocking_reasons", strings.Replace(good, `"blocking_reasons": []`, `"x": []`, 1), ErrDecode},
		{"missing outcome", strings.Replace(good, `"outcome": "completed",`, "", 1), ErrDecode},
		{"unknown state", strings.Replace(good, `"state": "completed"`, `"state": "done"`, 1), plan.ErrUnknownEnum},
		{"unknown outcome", strings.Replace(good, `"outcome": "completed"`, `"outcome": "done"`, 1), plan.ErrUnknownEnum},
		{"unknown kind", strings.Replace(good, `"kind": "stop"`, `"kind": "halt"`, 1), plan.ErrUnknownEnum},
		{"negative sequence", strings.Replace(good, `"sequence": 0,`, `"sequence": -1,`, 1), ErrDecode},
		{"fractional sequence", strings.Replace(good, `"sequence": 0,`, `"sequence": 0.5,`, 1), ErrDecode},
		{"version out of range", strings.Replace(good, `"journal_version": 1`, `"journal_version": 70000`, 1), ErrDecode},
		{"wrong type", strings.Replace(good, `"preflight_accepted": true`, `"preflight_accepted": "yes"`, 1), ErrDecode},
		{"invalid content", strings.Replace(good, `"run_id": "run-001"`, `"run_id": ""`, 1), ErrMissingField},
		{"too large", strings.Repeat(" ", document.MaxSize+1), document.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load([]byte(tt.doc))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Load = %v, want %v", err, tt.want)
			}
		})
	}
}

// Unknown fields are ignored; a missing optional field reads as null.
func TestLoadLenient(t *testing.T) {
	doc := `{"journal_version":1,"plan_id":"p","run_id":"r","preflight_accepted":false,
		"restart_required":false,"operations":[{"sequence":0,"operation_id":"validate-topology",
		"kind":"validate-topology","state":"ready","blocking_reasons":[],"extra":1}],
		"operation_receipts":[],"future":{"a":[1]}}`
	j, err := Load([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if j.PreflightID != nil || j.Operations[0].TargetCanisterID != nil || j.Operations[0].StateUpdatedAt != nil {
		t.Fatalf("optional fields = %+v", j)
	}
}

// document.Read (used for files) decodes as strictly as Load.
func TestDocumentReadIsStrict(t *testing.T) {
	var j Journal
	err := document.Unmarshal([]byte(`{"journal_version":1,"plan_id":"p","run_id":"r"}`), &j)
	if !errors.Is(err, ErrDecode) {
		t.Fatalf("document.Unmarshal = %v", err)
	}
}

func marshal(t testing.TB, j *Journal) []byte {
	t.Helper()
	b, err := document.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func runToEnd(t testing.TB, p *plan.Plan) *Journal {
	t.Helper()
	j := acceptedJournal(t, p)
	for next := j.NextReady(); next != nil; next = j.NextReady() {
		complete(t, j, next.Sequence)
	}
	return j
}
