package request_test

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/request"
)

// validBody is a minimal accepted request, the fields of DESIGN §3 that have no default.
const validBody = `"fleet": "demo", "network": "local", "root_canister_id": "aaaaa-aa"`

// body wraps extra top-level members (each "key": value, comma-separated) around validBody.
func body(extra string) []byte {
	if extra == "" {
		return []byte("{" + validBody + "}")
	}
	return []byte("{" + validBody + ", " + extra + "}")
}

// wantRequestError checks that err is a *RequestError for field (matched with errors.Is
// ErrBadRequest, as the planner does) and returns it.
func wantRequestError(t *testing.T, err error, field string) *request.RequestError {
	t.Helper()
	var re *request.RequestError
	if !errors.As(err, &re) || !errors.Is(err, request.ErrBadRequest) {
		t.Fatalf("error = %v (%T), want a *RequestError", err, err)
	}
	if re.Field != field {
		t.Fatalf("field = %q, want %q (%v)", re.Field, field, err)
	}
	return re
}

// Top-level keys match the contract's names exactly, once each, in an object (DESIGN §3:
// "Field names match exactly (no case folding)"). encoding/json alone folds case (also the
// Unicode folds: ſ for s, K for k) and lets the last duplicate win.
func TestDecodeRequestMatchesKeysExactly(t *testing.T) {
	for _, c := range []struct {
		name, body, field string
	}{
		{"upper case overrides run_id", `{"run_id": "mine", "RUN_ID": "theirs", ` + validBody + `}`, "RUN_ID"},
		{"upper case field alone", `{"FLEET": "demo", "network": "local", "root_canister_id": "aaaaa-aa"}`, "FLEET"},
		{"mixed case", string(body(`"Selector": "app"`)), "Selector"},
		{"unicode fold of s", string(body(`"ſelector": "app"`)), "ſelector"},
		{"unicode fold of k", string(body(`"\u212aeep_snapshots": 2`)), "\u212aeep_snapshots"},
		{"unknown field", string(body(`"colour": "blue"`)), "colour"},
		{"duplicate key", string(body(`"fleet": "other"`)), "fleet"},
		{"duplicate escaped key", string(body(`"fle\u0065t": "demo"`)), "fleet"},
		{"null top level", `null`, ""},
		{"array top level", `[{"fleet": "demo"}]`, ""},
		{"string top level", `"fleet"`, ""},
		{"number top level", `5`, ""},
		{"empty body", ``, ""},
		{"unterminated object", `{"fleet": "demo", `, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, err := request.DecodeRequest([]byte(c.body))
			if err == nil {
				t.Fatalf("accepted as %+v", req)
			}
			wantRequestError(t, err, c.field)
		})
	}
}

// An escaped key is the key it spells: "run\u005fid" is run_id, exactly.
func TestDecodeRequestAcceptsEscapedExactKeys(t *testing.T) {
	req, err := request.DecodeRequest([]byte(`{"run\u005fid": "esc", ` + validBody + `}`))
	if err != nil || req.RunID != "esc" {
		t.Fatalf("request %+v, %v", req, err)
	}
}

// Trailing data and wrong types are still refused, a wrong type naming its field.
func TestDecodeRequestRefusesTrailingDataAndWrongTypes(t *testing.T) {
	_, err := request.DecodeRequest(append(body(""), ` {}`...))
	wantRequestError(t, err, "")
	for field, value := range map[string]string{
		"include_descendants": `"yes"`, "keep_snapshots": `"2"`, "scope": `"everything"`, "registry": `{"Ok": [}`,
	} {
		_, err := request.DecodeRequest(body(strconv.Quote(field) + ": " + value))
		if field == "registry" { // a syntax error names no field
			field = ""
		}
		wantRequestError(t, err, field)
	}
	_, err = request.DecodeRequest([]byte(`{"fleet": 5, "network": "local", "root_canister_id": "aaaaa-aa"}`))
	wantRequestError(t, err, "fleet")
}

// keep_snapshots (default 1, at least 1) and on_conflict (reject by default, or wait) are the
// optional fields of DESIGN §3.
func TestDecodeRequestOptionalFields(t *testing.T) {
	for _, c := range []struct {
		name, extra string
		keep        int
		conflict    request.OnConflict
	}{
		{"absent", ``, 1, request.OnConflictReject},
		{"null", `"keep_snapshots": null, "on_conflict": ""`, 1, request.OnConflictReject},
		{"defaults spelled out", `"keep_snapshots": 1, "on_conflict": "reject"`, 1, request.OnConflictReject},
		{"given", `"keep_snapshots": 3, "on_conflict": "wait"`, 3, request.OnConflictWait},
	} {
		req, err := request.DecodeRequest(body(c.extra))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if req.KeepSnapshots != c.keep || req.OnConflict != c.conflict {
			t.Errorf("%s: keep_snapshots %d on_conflict %q, want %d %q", c.name, req.KeepSnapshots, req.OnConflict, c.keep, c.conflict)
		}
	}
	for extra, field := range map[string]string{
		`"keep_snapshots": 0`:      "keep_snapshots",
		`"keep_snapshots": -1`:     "keep_snapshots",
		`"keep_snapshots": 1.5`:    "keep_snapshots",
		`"on_conflict": "WAIT"`:    "on_conflict",
		`"on_conflict": "later"`:   "on_conflict",
		`"on_conflict": ["wait"]`:  "on_conflict",
		`"keep_snapshots": 1e100`:  "keep_snapshots",
		`"keep_snapshots": "many"`: "keep_snapshots",
	} {
		_, err := request.DecodeRequest(body(extra))
		wantRequestError(t, err, field)
	}
}

// non-root-fleet selects every canister but the root: a selector given with it is refused, not
// ignored. Without a scope, a selector still means subtree.
func TestDecodeRequestRefusesSelectorWithNonRootFleet(t *testing.T) {
	_, err := request.DecodeRequest(body(`"scope": "non-root-fleet", "selector": "app"`))
	wantRequestError(t, err, "selector")
	_, err = request.DecodeRequest(body(`"scope": "non-root-fleet", "selector": " "`))
	wantRequestError(t, err, "selector")
	for extra, scope := range map[string]plan.ScopeKind{
		`"selector": "app"`:                            plan.ScopeSubtree,
		`"scope": "non-root-fleet"`:                    plan.ScopeNonRootFleet,
		`"scope": "non-root-fleet", "selector": ""`:    plan.ScopeNonRootFleet,
		`"scope": "maintenance-root", "selector": "a"`: plan.ScopeMaintenanceRoot,
		``: plan.ScopeNonRootFleet,
	} {
		req, err := request.DecodeRequest(body(extra))
		if err != nil || req.Scope != scope {
			t.Errorf("%s: request %+v, %v; want scope %s", extra, req, err, scope)
		}
	}
}

// A body over MaxRequestBytes (1 MiB, NATS's default max payload) is refused with both sizes
// named; one of exactly MaxRequestBytes is read.
func TestDecodeRequestRefusesBodiesOverMaxRequestBytes(t *testing.T) {
	if request.MaxRequestBytes != 1<<20 {
		t.Fatalf("MaxRequestBytes = %d, want 1 MiB", request.MaxRequestBytes)
	}
	fits := append(body(""), bytes.Repeat([]byte(" "), request.MaxRequestBytes-len(body("")))...)
	if _, err := request.DecodeRequest(fits); err != nil {
		t.Fatalf("a body of %d bytes: %v", len(fits), err)
	}
	over := append(fits, ' ')
	re := wantRequestError(t, func() error { _, err := request.DecodeRequest(over); return err }(), "")
	for _, size := range []int{len(over), request.MaxRequestBytes} {
		if !strings.Contains(re.Reason, strconv.Itoa(size)) {
			t.Errorf("reason %q does not name %d", re.Reason, size)
		}
	}
}
