package registry_test

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/candid"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// wireReply is the registry JSON a Candid reply renders to, every field kept as JSON.
type wireReply struct {
	Ok []map[string]json.RawMessage `json:"Ok"`
}

// The replies that DFINITY's own Candid library encoded (testdata of pkg/candid, a copy of the
// shared reference vectors) go through what `registry parse` does: decode the Candid, Parse,
// Encode. Every record of the normalised JSON keeps every field of the wire record, created_at
// with its value; the entry's pid and role too.
func TestNormalisedCandidVectorsKeepEveryRecordField(t *testing.T) {
	data, err := os.ReadFile("../candid/testdata/registry-candid-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []struct {
			Name         string    `json:"name"`
			Hex          string    `json:"hex"`
			ExpectedJSON wireReply `json:"expected_json"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	records := 0
	for _, c := range file.Cases {
		if c.ExpectedJSON.Ok == nil {
			continue // an Err reply
		}
		got := normalise(t, c.Hex)
		if len(got.Ok) != len(c.ExpectedJSON.Ok) {
			t.Fatalf("%s: %d entries, want %d", c.Name, len(got.Ok), len(c.ExpectedJSON.Ok))
		}
		for i, want := range c.ExpectedJSON.Ok {
			sameFields(t, c.Name, i, got.Ok[i], want, "pid", "role")
			sameFields(t, c.Name, i, record(t, got.Ok[i]), record(t, want), "pid", "role", "parent_pid", "created_at")
			records++
		}
	}
	if records == 0 {
		t.Fatal("no vector has a record")
	}
}

// normalise is `registry parse` on Candid hex: candid.DecodeRegistryReply, registry.Parse,
// registry.Encode.
func normalise(t *testing.T, hexReply string) wireReply {
	t.Helper()
	raw, err := hex.DecodeString(hexReply)
	if err != nil {
		t.Fatal(err)
	}
	js, err := candid.DecodeRegistryReply(raw)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := registry.Parse(js)
	if err != nil {
		t.Fatal(err)
	}
	out, err := registry.Encode(entries)
	if err != nil {
		t.Fatal(err)
	}
	var reply wireReply
	if err := json.Unmarshal(out, &reply); err != nil {
		t.Fatal(err)
	}
	return reply
}

func record(t *testing.T, entry map[string]json.RawMessage) map[string]json.RawMessage {
	t.Helper()
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(entry["record"], &rec); err != nil || rec == nil {
		t.Fatalf("entry without a record object: %v", err)
	}
	return rec
}

// sameFields checks that got has every key of want, and the same value for the keys named.
// (module_hash is rendered as hex text, not as the wire's byte array: only its presence counts.)
func sameFields(t *testing.T, name string, i int, got, want map[string]json.RawMessage, equal ...string) {
	t.Helper()
	for key := range want {
		if _, ok := got[key]; !ok {
			t.Errorf("%s: entry %d lost %q", name, i, key)
		}
	}
	for _, key := range equal {
		if string(got[key]) != string(want[key]) {
			t.Errorf("%s: entry %d %s = %s, want %s", name, i, key, got[key], want[key])
		}
	}
}
