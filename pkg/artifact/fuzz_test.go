package artifact

import (
	"reflect"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/document"
)

// FuzzLoad: Load never panics, and whatever it accepts re-encodes to a journal that loads equal.
func FuzzLoad(f *testing.F) {
	fixture := string(fixtureBytes(f))
	for _, seed := range []string{
		fixture,
		strings.Replace(fixture, `"Durable"`, `"Downloaded"`, 1),
		strings.Replace(fixture, `"temp_path": null`, `"temp_path": "x.tmp"`, 1),
		strings.Replace(fixture, `"Durable"`, `"Bogus"`, 1),
		strings.Replace(fixture, `"journal_version": 1`, `"journal_version": -1`, 1),
		`{"journal_version":1,"backup_id":"b","artifacts":[]}`,
		`{"journal_version":1,"backup_id":"b","artifacts":[{"canister_id":"aaaaa-aa"}]}`,
		"", "null", "{}", "[", `{"artifacts":null}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := Load(data)
		if err != nil {
			return
		}
		if j.Artifacts == nil {
			t.Fatal("accepted journal with nil artifacts")
		}
		out, err := document.Marshal(j)
		if err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		back, err := Load(out)
		if err != nil {
			t.Fatalf("re-encoded journal does not load: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(back, j) {
			t.Fatalf("round trip changed the journal:\n%+v\n%+v", back, j)
		}
	})
}
