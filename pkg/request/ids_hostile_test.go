package request_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/principal"
	"github.com/fleetbackup/fleetbackup/pkg/request"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// hostileIDs are run ids, backup ids and canister ids a stranger could publish. None is a run
// id and none is a principal.
var hostileIDs = []string{".", "..", "../", "../etc", "a/../../b", "/", "/etc/passwd", "a/b", `a\b`,
	"a\x00b", "aaaaa-aa\x00", "run\n", "a b", " aaaaa-aa", "*", ">", "a.b", "run.", "%2e%2e", "%2e%2e%2f",
	"ｒｕｎ", "ａａａａａ-ａａ", "r\u0430n", "\u0430aaaa-aa", "run\u200f", "aaaaa-aa\u200f", "\u202erun",
	"ru\u200dn", "aaaaa-\u200daa", "\ufeffrun", "run\xff", strings.Repeat("a", 10_000),
	strings.Repeat("aaaaa-", 2_000) + "aa", "-run", "aaaaa-aa/..", "aaaaa-aa/../aaaaa-aa"}

// member marshals one top-level member, so that every string arrives escaped as a client
// would send it.
func member(key, value string) string {
	v, _ := json.Marshal(value)
	return `"` + key + `": ` + string(v)
}

func TestHostileIDsInRequests(t *testing.T) {
	for _, id := range hostileIDs {
		_, err := request.DecodeRequest(body(member("run_id", id)))
		wantRequestError(t, err, "run_id")
		b := []byte(`{"fleet": "demo", "network": "local", ` + member("root_canister_id", id) + `}`)
		_, err = request.DecodeRequest(b)
		wantRequestError(t, err, "root_canister_id")
		if got := request.GuessRunID(body(member("run_id", id))); got != "" {
			t.Errorf("GuessRunID names run %q for run_id %q", got, id)
		}
		_, err = request.DecodeRestoreRequest([]byte(`{` + member("backup", id) + `}`))
		wantRequestError(t, err, "backup")
		_, err = request.DecodeRestoreRequest([]byte(`{"backup": "nightly-1", ` + member("run_id", id) + `}`))
		wantRequestError(t, err, "run_id")
	}
	_, err := request.DecodeRestoreRequest([]byte(`{"backup": ""}`))
	wantRequestError(t, err, "backup")
}

// FuzzDecodeRequestIDs: a request accepted with any run_id and root_canister_id names a run id
// that is one path element under the root (or none) and a root that is a principal; GuessRunID
// finds the same run id.
func FuzzDecodeRequestIDs(f *testing.F) {
	for _, id := range hostileIDs {
		f.Add(id, "aaaaa-aa")
		f.Add("run-1", id)
	}
	f.Add("", "renrk-eyaaa-aaaaa-aaada-cai")
	f.Fuzz(func(t *testing.T, runID, root string) {
		b := []byte(`{"fleet": "demo", "network": "local", ` + member("run_id", runID) + `, ` + member("root_canister_id", root) + `}`)
		r, err := request.DecodeRequest(b)
		if err != nil {
			return
		}
		if r.RunID != "" {
			checkPathElement(t, r.RunID)
		}
		if !principal.Valid(r.RootCanisterID) || plan.Seg(r.RootCanisterID) != r.RootCanisterID {
			t.Fatalf("accepted root_canister_id %q", r.RootCanisterID)
		}
		if got := request.GuessRunID(b); got != r.RunID {
			t.Fatalf("GuessRunID = %q, the request names %q", got, r.RunID)
		}
	})
}

// FuzzRestoreBackupField: an accepted restore request's backup is a run id, one path element
// under the backup root; its run_id too when given.
func FuzzRestoreBackupField(f *testing.F) {
	for _, id := range hostileIDs {
		f.Add(id, "")
		f.Add("nightly-1", id)
	}
	f.Fuzz(func(t *testing.T, backup, runID string) {
		b := []byte(`{` + member("backup", backup) + `, ` + member("run_id", runID) + `}`)
		r, err := request.DecodeRestoreRequest(b)
		if err != nil {
			return
		}
		checkPathElement(t, r.Backup)
		if r.RunID != "" {
			checkPathElement(t, r.RunID)
		}
	})
}

// checkPathElement asserts that id is a run id and one path element that filepath.Join keeps
// directly under a root.
func checkPathElement(t *testing.T, id string) {
	t.Helper()
	root := filepath.FromSlash("/srv/backups")
	joined := filepath.Join(root, id)
	if !runs.IDPattern.MatchString(id) || !filepath.IsLocal(id) || filepath.Dir(joined) != root ||
		filepath.Base(joined) != id || strings.ContainsAny(id, ". *>\x00") {
		t.Fatalf("accepted %q, which is not one safe path element", id)
	}
}
