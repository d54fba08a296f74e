package manifest

import (
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/document"
)

// FuzzLoad: no input panics; whatever loads re-encodes to a document that loads again.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(fixtureJSON(f, validManifest())))
	f.Add([]byte(fixtureJSON(f, validV2())))
	f.Add([]byte(`{"manifest_version": 2, "consistency": {"backup_units": [{"unit_id": "u", "kind": "single", "roles": [], "canister_ids": null}]}}`))
	f.Add([]byte(`{"manifest_version":1}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"fleet": {"members": [{"parent_canister_id": 7}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Load(data)
		if err != nil {
			return
		}
		out, err := document.Marshal(m)
		if err != nil {
			t.Fatalf("encoding a loaded manifest: %v", err)
		}
		if _, err := Load(out); err != nil {
			t.Fatalf("re-loading a loaded manifest: %v\n%s", err, out)
		}
	})
}
