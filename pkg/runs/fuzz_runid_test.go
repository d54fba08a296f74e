package runs_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// hostileRunIDs are run ids a stranger could put in a request, a control subject or a restore's
// backup field; every one must be refused before it names a file, a KV key or a subject token.
var hostileRunIDs = map[string]string{
	"empty": "", "dot": ".", "dot dot": "..", "parent": "../", "parent path": "../etc",
	"nested parent": "a/../../b", "slash": "/", "absolute": "/etc/passwd", "inner slash": "a/b",
	"backslash": `a\b`, "NUL": "a\x00b", "trailing NUL": "run\x00", "trailing newline": "run\n",
	"leading newline": "\nrun", "carriage return": "run\r", "tab": "a\tb", "space": "a b",
	"leading space": " run", "trailing space": "run ", "star": "*", "gt": ">", "star in": "a*b",
	"gt in": "a>b", "subject dot": "a.b", "trailing dot": "run.", "leading dash": "-run",
	"leading underscore": "_run", "percent dots": "%2e%2e", "percent slash": "a%2fb",
	"fullwidth": "ｒｕｎ", "fullwidth dot": "run．x", "Cyrillic a": "r\u0430n", "RTL mark": "run\u200f",
	"RTL override": "\u202erun", "zero-width joiner": "ru\u200dn", "zero-width space": "ru\u200bn",
	"BOM": "\ufeffrun", "NBSP": "run\u00a0", "invalid UTF-8": "run\xff", "10 kB": strings.Repeat("a", 10_000),
	"129 bytes": strings.Repeat("a", 129), "KV wildcard": "a>", "equals": "a=b", "colon": "a:b",
}

func TestHostileRunIDsAreRefused(t *testing.T) {
	names, err := bus.NewNames("")
	if err != nil {
		t.Fatal(err)
	}
	for name, id := range hostileRunIDs {
		if got, ok := names.ControlRunID(names.ControlSubject(id)); ok {
			t.Errorf("%s: control subject %q names run %q", name, names.ControlSubject(id), got)
		}
		if runs.IDPattern.MatchString(id) {
			t.Errorf("%s: %q accepted as a run id", name, id)
		}
		if bus.ValidRunID(id) {
			t.Errorf("%s: %q accepted by bus.ValidRunID", name, id)
		}
	}
}

func TestRunIDBoundaries(t *testing.T) {
	for _, id := range []string{"a", "A", "0", "run-1", "nightly_2026-05-07", strings.Repeat("z", 128),
		"a-", "a_", "run--x", "tick-20261130T020000Z"} {
		if !runs.IDPattern.MatchString(id) {
			t.Errorf("%q refused", id)
		}
		checkRunIDSafe(t, id)
	}
}

// FuzzRunID: whatever IDPattern accepts is one NATS subject token, a valid KV key (alone and in
// every key derived from it) and one path element that filepath.Join keeps under the root.
func FuzzRunID(f *testing.F) {
	for _, id := range hostileRunIDs {
		f.Add(id)
	}
	f.Add("run-1")
	f.Add(strings.Repeat("z", 128))
	f.Fuzz(func(t *testing.T, id string) {
		if !runs.IDPattern.MatchString(id) {
			if bus.ValidRunID(id) {
				t.Fatalf("bus accepts %q, which IDPattern refuses", id)
			}
			return
		}
		checkRunIDSafe(t, id)
	})
}

// kvKey is the NATS KV key rule (nats.go's validKeyRe, and no leading or trailing dot).
var kvKey = regexp.MustCompile(`^[-/_=\.a-zA-Z0-9]+$`)

func validKVKey(k string) bool {
	return kvKey.MatchString(k) && !strings.HasPrefix(k, ".") && !strings.HasSuffix(k, ".")
}

// checkRunIDSafe asserts everything a run id becomes is safe: a subject token, KV keys, a
// single path element.
func checkRunIDSafe(t *testing.T, id string) {
	t.Helper()
	if id == "" || len(id) > 128 || !utf8.ValidString(id) {
		t.Fatalf("accepted %q: empty, over 128 bytes or not UTF-8", id)
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c >= 0x80 || strings.IndexByte(". *>/\\\x00\t\r\n%", c) >= 0 {
			t.Fatalf("accepted %q with byte %q", id, c)
		}
	}
	checkSubjects(t, id)
	for _, key := range []string{id, runstore.OpKey(id, 7), runstore.BarrierKey(id, "stopped"),
		runstore.BarrierShardKey(id, "stopped", 3), runstore.RestoreKey(id),
		runstore.ArtifactKey(id, "aaaaa-aa")} {
		if !validKVKey(key) {
			t.Fatalf("run id %q gives KV key %q, which NATS refuses", id, key)
		}
	}
	checkPathElement(t, id)
}

func checkSubjects(t *testing.T, id string) {
	t.Helper()
	names, err := bus.NewNames("")
	if err != nil {
		t.Fatal(err)
	}
	if !bus.ValidRunID(id) {
		t.Fatalf("IDPattern accepts %q, bus.ValidRunID does not", id)
	}
	if got, ok := names.ControlRunID(names.ControlSubject(id)); !ok || got != id {
		t.Fatalf("control subject of %q reads back as %q, %v", id, got, ok)
	}
	if got, ok := names.InternalRunID(names.InternalSubject(id)); !ok || got != id {
		t.Fatalf("internal subject of %q reads back as %q, %v", id, got, ok)
	}
	subject := names.ControlSubject(id)
	if n := strings.Count(subject, "."); n != strings.Count(names.ControlWildcard(), ".") {
		t.Fatalf("control subject %q has %d tokens' dots, want one token for the run id", subject, n)
	}
}

func checkPathElement(t *testing.T, id string) {
	t.Helper()
	root := filepath.FromSlash("/srv/backups")
	joined := filepath.Join(root, id)
	switch {
	case !filepath.IsLocal(id), filepath.Clean(id) != id, id == "." || id == "..":
		t.Fatalf("run id %q is not one local path element", id)
	case filepath.Dir(joined) != root || filepath.Base(joined) != id:
		t.Fatalf("filepath.Join(root, %q) = %q, not directly under %s", id, joined, root)
	}
	rel, err := filepath.Rel(root, joined)
	if err != nil || rel != id {
		t.Fatalf("%q relative to the root is %q, %v", joined, rel, err)
	}
}
