package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/request"
)

// The request `restore run` publishes decodes, on the planner's side, to the same meaning and
// digest the CLI computed: a repeat is recognised as the same run.
func TestRestoreRequestRoundTrips(t *testing.T) {
	mapping := filepath.Join(t.TempDir(), "mapping.json")
	doc := `{"members": [{"source_canister": "gtugj-4yaaa-aaaaa-aaeaq-cai", "target_canister": "gir2m-gaaaa-aaaaa-aaeca-cai"},
		{"source_canister": "gir2m-gaaaa-aaaaa-aaeca-cai", "target_canister": "gtugj-4yaaa-aaaaa-aaeaq-cai"}]}`
	if err := os.WriteFile(mapping, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	f := &restoreRunFlags{mapping: mapping, order: "strict", onConflict: "wait", keep: true, noVerify: true, network: "ic"}
	req, err := f.request("nightly-1", &invocation{Env: &Env{}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(req.RunID, "restore-nightly-1-") || req.Mapping == nil || len(req.Mapping.Members) != 2 ||
		req.RequireVerified || !req.KeepUploadedSnapshots || req.Order != "strict" || req.OnConflict != request.OnConflictWait {
		t.Fatalf("unexpected request: %+v", req)
	}
	body, err := jsonMarshal(req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := request.DecodeRestoreRequest(body)
	if err != nil {
		t.Fatal(err)
	}
	if again.Digest() != req.Digest() {
		t.Fatalf("the published body decodes to another digest:\n%s", body)
	}
	for _, want := range []string{`"require_verified":false`, `"keep_uploaded_snapshots":true`, `"network":"ic"`, `"source_canister":"gtugj-4yaaa-aaaaa-aaeaq-cai"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("published body lacks %s:\n%s", want, body)
		}
	}
}
