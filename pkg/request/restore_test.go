package request_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/request"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
)

func TestDecodeRestoreRequestDefaults(t *testing.T) {
	r, err := request.DecodeRestoreRequest([]byte(`{"backup": "nightly-1"}`))
	if err != nil {
		t.Fatal(err)
	}
	if !r.RequireVerified || r.Order != "parallel" || r.OnConflict != request.OnConflictReject || r.Mapping != nil || r.KeepUploadedSnapshots {
		t.Fatalf("defaults: %+v", r)
	}
	same, _ := request.DecodeRestoreRequest([]byte(`{"order":"parallel", "backup":"nightly-1", "require_verified": true, "mapping": null}`))
	if same.Digest() != r.Digest() {
		t.Error("spelling out the defaults changed the digest")
	}
	other, _ := request.DecodeRestoreRequest([]byte(`{"backup": "nightly-1", "keep_uploaded_snapshots": true}`))
	if other.Digest() == r.Digest() {
		t.Error("a different request has the same digest")
	}
}

func TestDecodeRestoreRequestRefuses(t *testing.T) {
	for name, tc := range map[string]struct{ body, field string }{
		"no backup":          {`{}`, "backup"},
		"a path":             {`{"backup": "../etc"}`, "backup"},
		"unknown field":      {`{"backup": "b", "selector": "x"}`, "selector"},
		"twice":              {`{"backup": "b", "backup": "c"}`, "backup"},
		"case-folded key":    {`{"BACKUP": "b"}`, "BACKUP"},
		"bad order":          {`{"backup": "b", "order": "random"}`, "order"},
		"bad run id":         {`{"backup": "b", "run_id": "a b"}`, "run_id"},
		"bad on_conflict":    {`{"backup": "b", "on_conflict": "steal"}`, "on_conflict"},
		"wrong type":         {`{"backup": "b", "require_verified": "yes"}`, "require_verified"},
		"mapping with extra": {`{"backup": "b", "mapping": {"members": [], "x": 1}}`, "mapping"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := request.DecodeRestoreRequest([]byte(tc.body))
			var re *request.RequestError
			if !errors.As(err, &re) || re.Field != tc.field {
				t.Fatalf("err = %v, want a RequestError on %s", err, tc.field)
			}
		})
	}
	_, err := request.DecodeRestoreRequest([]byte(`{"backup": "b", "mapping": {"members": [{"source_canister": "x", "target_canister": "y", "z": 1}]}}`))
	if !errors.Is(err, restore.ErrDecode) {
		t.Fatalf("a strict mapping error should wrap restore.ErrDecode: %v", err)
	}
	big := `{"backup": "b", "run_id": "` + strings.Repeat("a", request.MaxRequestBytes) + `"}`
	if _, err := request.DecodeRestoreRequest([]byte(big)); err == nil {
		t.Fatal("a body over the limit was accepted")
	}
}

// Any body either decodes to a request whose re-marshalled form decodes to the same digest, or
// is a *RequestError: no panic, no other error type.
func FuzzDecodeRestoreRequest(f *testing.F) {
	for _, seed := range []string{`{"backup": "b"}`, `{"backup": "b", "order": "strict", "keep_uploaded_snapshots": true}`,
		`{"backup": "b", "mapping": {"members": [{"source_canister": "aaaaa-aa", "target_canister": "aaaaa-aa"}]}}`,
		`{"BACKUP": "b"}`, `null`, `[]`, `{"backup": 5}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) { decodeRoundTrip(t, data, request.DecodeRestoreRequest) })
}
