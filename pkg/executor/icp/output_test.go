package icp

import (
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/candid"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

func TestParseEnvelope(t *testing.T) {
	raw, err := parseEnvelope([]byte(`{"response_bytes":"4449444c0000","response_text":null,"response_candid":"()"}` + "\n"))
	if err != nil || string(raw) != "DIDL\x00\x00" {
		t.Fatalf("got %q %v", raw, err)
	}
	for _, bad := range []string{``, `[]`, `{"Ok":[]}`, `{"response_bytes":"xyz"}`, `{"response_bytes":5}`, `{"response_bytes":"00"} {}`} {
		if _, err := parseEnvelope([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseStatus(t *testing.T) {
	for text, want := range map[string]executor.Status{"Running": executor.StatusRunning,
		"Stopping": executor.StatusStopping, "Stopped": executor.StatusStopped, "stopped": executor.StatusStopped} {
		got, err := parseStatus([]byte(`{"id":"x","status":"` + text + `","settings":{"controllers":[]},"module_hash":null}`))
		if err != nil || got != want {
			t.Errorf("%s: got %q %v", text, got, err)
		}
	}
	for _, bad := range []string{`{"status":"Frozen"}`, `{}`, `{"status":null}`, `garbage`} {
		if _, err := parseStatus([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// CreateSnapshot reads `--json` (DOMAIN §13); human output is refused as unexpected output (last
// bad case below). X1 and X2, the reference's text parsing, are in snapshot_text_test.go.
func TestParseSnapshots(t *testing.T) {
	one := `{"snapshot_id":"0000000000000000FFFFFFFFFFC000020101","taken_at_timestamp":1795669845386895701,"total_size_bytes":1048576}`
	snap, err := parseSnapshot([]byte(one))
	want := executor.Snapshot{ID: "0000000000000000ffffffffffc000020101", TakenAtNanos: 1795669845386895701, TotalSizeBytes: 1 << 20}
	if err != nil || snap != want {
		t.Fatalf("got %+v %v", snap, err)
	}
	list, err := parseSnapshotList([]byte(`{"snapshots":[` + one + `]}`))
	if err != nil || !reflect.DeepEqual(list, []executor.Snapshot{want}) {
		t.Fatalf("got %+v %v", list, err)
	}
	empty, err := parseSnapshotList([]byte(`{"snapshots":[]}`))
	if err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("empty list: %#v %v", empty, err)
	}
	for _, bad := range []string{
		`{"snapshot_id":"abc","taken_at_timestamp":1,"total_size_bytes":1}`,
		`{"snapshot_id":"ab","taken_at_timestamp":-1,"total_size_bytes":1}`,
		`{"snapshot_id":"ab","total_size_bytes":1}`,
		`Created snapshot ab for canister x`,
	} {
		if _, err := parseSnapshot([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := parseSnapshotList([]byte(`{"items":[]}`)); err == nil {
		t.Error("list without snapshots accepted")
	}
}

func TestBadOutputErrorIsPermanentAndClear(t *testing.T) {
	err := badOutput("icp canister status x --json -n local", "not the expected JSON", []byte(strings.Repeat("z", 500)))
	if !errors.Is(err, ErrBadOutput) || !errors.Is(err, executor.ErrPermanent) {
		t.Fatalf("classification: %v", err)
	}
	if !strings.Contains(err.Error(), "printed unexpected output") || len(err.Error()) > 400 {
		t.Fatalf("message: %s", err)
	}
}

func TestDecodeRegistryEnvelope(t *testing.T) {
	reply, err := candid.EncodeRegistryError("NotFound", "no registry")
	if err != nil {
		t.Fatal(err)
	}
	envelope := []byte(`{"response_bytes":"` + hex.EncodeToString(reply) + `","response_text":null,"response_candid":null}`)
	if _, err := DecodeRegistryEnvelope(envelope); !errors.Is(err, candid.ErrRegistryRejected) {
		t.Fatalf("Err reply: %v", err)
	}
	if _, err := DecodeRegistryEnvelope([]byte(`{"Ok":[]}`)); !errors.Is(err, ErrBadOutput) {
		t.Fatalf("registry JSON instead of an envelope: %v", err)
	}
	if _, err := DecodeRegistryEnvelope([]byte(`{"response_bytes":"00"}`)); !errors.Is(err, candid.ErrMalformed) {
		t.Fatalf("bad Candid: %v", err)
	}
}
