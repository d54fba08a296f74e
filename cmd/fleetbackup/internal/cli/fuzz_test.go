package cli

import (
	"bytes"
	"encoding/hex"
	"flag"
	"io"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// FuzzNormaliseRegistry: whatever `registry parse` is given, it never panics, and what it
// prints parses as a registry.
func FuzzNormaliseRegistry(f *testing.F) {
	f.Add([]byte(`{"Ok": [{"pid": "aaaaa-aa", "role": "root", "record": {"parent_pid": null}}]}`))
	f.Add([]byte(`[{"pid": "aaaaa-aa"}]`))
	f.Add([]byte(`{"response_bytes": "4449444c0000"}`))
	f.Add([]byte(`{"response_bytes": "zz"}`))
	f.Add([]byte("4449444c0001"))
	f.Add([]byte("0x4449444c 00 00"))
	f.Add([]byte(""))
	f.Add([]byte(`{"Ok": 5}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := normaliseRegistry(data)
		if err != nil {
			return
		}
		if _, err := registry.Parse(out); err != nil {
			t.Fatalf("output does not parse back: %v\n%s", err, out)
		}
	})
}

// FuzzRequestFile: a request file of any content is refused or becomes a checked request,
// never a panic.
func FuzzRequestFile(f *testing.F) {
	f.Add([]byte(`{"fleet": "demo", "network": "local", "root_canister_id": "aaaaa-aa", "selector": "app"}`))
	f.Add([]byte(`{"fleet": "demo", "network": "local", "root_canister_id": "aaaaa-aa", "scope": "non-root-fleet", "registry": []}`))
	f.Add([]byte(`{"run_id": "bad id"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"fleet": 5}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fs := flag.NewFlagSet("fuzz", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		rf := addRequestFlags(fs)
		if err := fs.Parse([]string{"--file", "-"}); err != nil {
			t.Fatal(err)
		}
		fields, err := rf.fields(fs, bytes.NewReader(data))
		if err != nil {
			return
		}
		req, err := decodeRequest(fields)
		if err == nil && req.RunID == "" {
			t.Fatal("a decoded request has no run id")
		}
	})
}

func TestNormaliseRegistryHex(t *testing.T) {
	if _, err := normaliseRegistry([]byte(hex.EncodeToString([]byte("DIDL")))); err == nil {
		t.Fatal("a truncated Candid reply was accepted")
	}
}
