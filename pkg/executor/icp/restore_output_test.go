package icp

import "testing"

// `canister snapshot upload --json` prints {"snapshot_id":"<hex>"} without a newline (icp-cli
// source; RESTORE.md §6.3); the --quiet and human forms are refused, as is any other shape.
func TestParseUploadedID(t *testing.T) {
	for out, want := range map[string]string{
		`{"snapshot_id":"0000000000000000ffffffffffc000020101"}`:        "0000000000000000ffffffffffc000020101",
		`{"snapshot_id":"0000000000000000FFFFFFFFFFC000020102"}` + "\n": "0000000000000000ffffffffffc000020102",
		`{"snapshot_id":"ab","extra":1}`:                                "ab",
	} {
		got, err := parseUploadedID([]byte(out))
		if err != nil || got != want {
			t.Errorf("%s: got %q %v", out, got, err)
		}
	}
	for _, bad := range []string{
		``, `{}`, `{"snapshot_id":null}`, `{"snapshot_id":""}`, `{"snapshot_id":"abc"}`, `{"snapshot_id":"0xab"}`,
		`{"snapshot_id":12}`, `{"snapshot_id":"ab"}{"snapshot_id":"cd"}`,
		"0000000000000000ffffffffffc000020101\n",
		"Snapshot 0000000000000000ffffffffffc000020101 uploaded successfully\n",
	} {
		if id, err := parseUploadedID([]byte(bad)); err == nil {
			t.Errorf("%q accepted as %q", bad, id)
		}
	}
}

// `canister status --json` prints module_hash as "0x<hex>" or null (icp-cli source, status.rs).
func TestParseModuleHash(t *testing.T) {
	const hash = "c1b6a0f1e5f3c2d4b5a69788796a5b4c3d2e1f00112233445566778899aabbcc"
	status := func(mh string) []byte {
		return []byte(`{"id":"rno2w-sqaaa-aaaaa-aaacq-cai","name":null,"status":"Stopped",` +
			`"settings":{"controllers":["aaaaa-aa"],"compute_allocation":"0"},"module_hash":` + mh +
			`,"memory_size":"1024","cycles":"0","reserved_cycles":"0","idle_cycles_burned_per_day":"0"}`)
	}
	for mh, want := range map[string]string{
		`"0x` + hash + `"`: hash,
		`"0xC1B6A0F1"`:     "c1b6a0f1",
		`"` + hash + `"`:   hash,
		`null`:             "",
	} {
		got, err := parseModuleHash(status(mh))
		if err != nil || got != want {
			t.Errorf("%s: got %q %v", mh, got, err)
		}
	}
	if st, err := parseStatus(status(`"0x` + hash + `"`)); err != nil || st != "stopped" {
		t.Errorf("status beside the hash: %q %v", st, err)
	}
	for _, bad := range []string{`"0x"`, `"0xabc"`, `"zz"`, `5`, `["ab"]`, `""`} {
		if got, err := parseModuleHash(status(bad)); err == nil {
			t.Errorf("%s accepted as %q", bad, got)
		}
	}
	for _, bad := range []string{`{"status":"Running"}`, `garbage`, ``} {
		if got, err := parseModuleHash([]byte(bad)); err == nil {
			t.Errorf("%q accepted as %q", bad, got)
		}
	}
}
