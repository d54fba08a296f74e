package request_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/request"
)

// Two bodies that decode to the same request have the same digest, defaults spelled out or not;
// a request that does not use the optional fields keeps the digest the run records made before
// they existed hold (json of the ten original fields).
func TestRequestDigestOfDefaults(t *testing.T) {
	digest := func(extra string) string {
		t.Helper()
		req, err := request.DecodeRequest(body(extra))
		if err != nil {
			t.Fatal(err)
		}
		return req.Digest()
	}
	plain := digest(``)
	if spelled := digest(`"keep_snapshots": 1, "on_conflict": "reject", "order": "parallel", "registry": null`); spelled != plain {
		t.Errorf("defaults spelled out change the digest: %s vs %s", spelled, plain)
	}
	for _, extra := range []string{`"keep_snapshots": 2`, `"on_conflict": "wait"`} {
		if digest(extra) == plain {
			t.Errorf("%s has the default's digest", extra)
		}
	}
	old := struct {
		RunID              string          `json:"run_id"`
		Fleet              string          `json:"fleet"`
		Network            string          `json:"network"`
		RootCanisterID     string          `json:"root_canister_id"`
		Scope              plan.ScopeKind  `json:"scope"`
		Selector           string          `json:"selector"`
		IncludeDescendants bool            `json:"include_descendants"`
		QuiescencePolicy   string          `json:"quiescence_policy"`
		Order              dispatch.Order  `json:"order"`
		Registry           json.RawMessage `json:"registry"`
	}{Fleet: "demo", Network: "local", RootCanisterID: "aaaaa-aa", Scope: plan.ScopeNonRootFleet,
		QuiescencePolicy: string(plan.QuiescenceCrashConsistent), Order: dispatch.Parallel}
	data, _ := json.Marshal(old)
	sum := sha256.Sum256(data)
	if want := hex.EncodeToString(sum[:]); plain != want {
		t.Errorf("digest %s, want the pre-existing %s", plain, want)
	}
}

// GuessRunID names the run a rejection is recorded under: only the exact key run_id, given
// once, counts, so a folded or repeated key never writes another run's record.
func TestGuessRunIDMatchesExactly(t *testing.T) {
	for in, want := range map[string]string{
		`{"run_id": "mine", "colour": "blue"}`:   "mine",
		`{"RUN_ID": "victim", "fleet": 5}`:       "",
		`{"Run_Id": "victim"}`:                   "",
		`{"run_id": "mine", "run_id": "victim"}`: "",
		`{"run_id": "bad id"}`:                   "",
		`{"run_id": 5}`:                          "",
		`{"run_id": "cut", `:                     "",
		`[{"run_id": "inner"}]`:                  "",
		`{"nested": {"run_id": "inner"}}`:        "",
	} {
		if got := request.GuessRunID([]byte(in)); got != want {
			t.Errorf("GuessRunID(%s) = %q, want %q", in, got, want)
		}
	}
}

// FuzzDecodeRequest: no body panics; every refusal is a *RequestError; an accepted request,
// marshalled as the CLI publishes it, decodes again to the same digest (so the CLI and the
// planner agree on which run a request is).
func FuzzDecodeRequest(f *testing.F) {
	for _, seed := range []string{
		string(body(``)), string(body(`"selector": "app", "keep_snapshots": 2, "on_conflict": "wait"`)),
		string(body(`"RUN_ID": "x"`)), string(body(`"registry": {"Ok": []}`)), `null`, `[]`, `{"fleet": 5}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) { decodeRoundTrip(t, data, request.DecodeRequest) })
}

// decodeRoundTrip checks one fuzz input: it decodes to a request whose re-marshalled form decodes
// to the same digest, or it is a *RequestError (no panic, no other error type).
func decodeRoundTrip[R interface{ Digest() string }](t *testing.T, data []byte, decode func([]byte) (R, error)) {
	req, err := decode(data)
	if err != nil {
		var re *request.RequestError
		if !errors.As(err, &re) {
			t.Fatalf("error %v is a %T", err, err)
		}
		return
	}
	again, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	back, err := decode(again)
	if err != nil || back.Digest() != req.Digest() {
		t.Fatalf("re-marshalled request %s: %v, digest changed", again, err)
	}
}
