package icp

import (
	"testing"
	"unicode/utf8"
)

// FuzzParseOutput feeds icp's stdout parsers arbitrary bytes: they never panic, and whatever they
// accept is well-formed.
func FuzzParseOutput(f *testing.F) {
	f.Add([]byte(`{"response_bytes":"4449444c0000"}`))
	f.Add([]byte(`{"status":"Running"}`))
	f.Add([]byte(`{"snapshot_id":"ab","taken_at_timestamp":1,"total_size_bytes":2}`))
	f.Add([]byte(`{"snapshots":[{"snapshot_id":"ab","taken_at_timestamp":1,"total_size_bytes":2}]}`))
	f.Add([]byte(`{"snapshot_id":"ab"}`))
	f.Add([]byte(`{"status":"Stopped","module_hash":"0xab"}`))
	f.Fuzz(func(t *testing.T, out []byte) {
		_, _ = parseEnvelope(out)
		_, _ = parseStatus(out)
		if id, err := parseUploadedID(out); err == nil && !isHex(id, 0) {
			t.Fatalf("accepted uploaded id %q", id)
		}
		if h, err := parseModuleHash(out); err == nil && h != "" && !isHex(h, 0) {
			t.Fatalf("accepted module hash %q", h)
		}
		if s, err := parseSnapshot(out); err == nil && !isHex(s.ID, 0) {
			t.Fatalf("accepted snapshot id %q", s.ID)
		}
		if list, err := parseSnapshotList(out); err == nil && list == nil {
			t.Fatal("nil list accepted")
		}
	})
}

// FuzzErrorMessage: any stderr yields a bounded, non-empty message without panicking.
func FuzzErrorMessage(f *testing.F) {
	f.Add([]byte(anyhowChain), []byte(""))
	f.Add([]byte("error: unexpected argument '--foo' found\n\nUsage: x\n"), []byte(""))
	f.Add([]byte("Error: a\n\nCaused by:\n\t0: b\nunindented\n"), []byte("out"))
	f.Fuzz(func(t *testing.T, stderr, stdout []byte) {
		m := errorMessage(stderr, stdout)
		if m == "" || !utf8.ValidString(m) {
			t.Fatalf("message %q", m)
		}
		_ = transient(1, m)
	})
}
