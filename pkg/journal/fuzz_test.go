package journal

import (
	"bytes"
	"os"
	"reflect"
	"testing"
)

// FuzzLoad: Load never panics; whatever it accepts is valid, has no nil slices, and survives
// a marshal/Load round trip unchanged.
func FuzzLoad(f *testing.F) {
	for _, file := range []string{"testdata/journal-new.json", "testdata/journal-failed-snapshot.json"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(bytes.Replace(data, []byte(`"sequence": 0`), []byte(`"sequence": 7`), 1))
	}
	f.Add(marshal(f, runToEnd(f, fleetPlan(2))))
	f.Add([]byte(`{"journal_version":1,"plan_id":"p","run_id":"r","preflight_accepted":false,"restart_required":false,"operations":[],"operation_receipts":[]}`))
	f.Add([]byte(`{"journal_version":1,"plan_id":"p","run_id":"r","preflight_id":"x","preflight_accepted":true,"restart_required":true,"operations":[{"sequence":0,"operation_id":"s","kind":"stop","state":"failed","blocking_reasons":["r"]}],"operation_receipts":[{"plan_id":"p","run_id":"r","sequence":0,"operation_id":"s","kind":"stop","outcome":"failed","failure_reason":"r","preflight_id":"x"}]}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"operations":[null]}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := Load(data)
		if err != nil {
			return
		}
		if err := j.Validate(); err != nil {
			t.Fatalf("loaded journal invalid: %v", err)
		}
		if j.Operations == nil || j.OperationReceipts == nil {
			t.Fatal("nil slice")
		}
		out := marshal(t, j)
		again, err := Load(out)
		if err != nil {
			t.Fatalf("re-Load: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(j, again) {
			t.Fatalf("round trip differs")
		}
		_ = j.Summary()
	})
}
