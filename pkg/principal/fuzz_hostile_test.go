package principal_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

const valid = "renrk-eyaaa-aaaaa-aaada-cai"

// hostilePrincipals are canister ids a stranger could put in a request, a registry, a mapping or
// a KV record; each is refused before it becomes a directory name, a lock key or a KV key.
var hostilePrincipals = map[string]string{
	"empty": "", "dot": ".", "dot dot": "..", "parent": "../", "parent path": "../" + valid,
	"slash": "/", "trailing slash": valid + "/", "joined path": valid + "/../x", "backslash": `aaaaa\aa`,
	"NUL": "aaaaa-aa\x00", "NUL inside": "aaaaa\x00aa", "newline": "aaaaa-aa\n", "space": "aaaaa-aa ",
	"inner space": "aaaaa aa", "star": "*", "gt": ">", "dots": "aaaaa.aa", "percent dots": "%2e%2e",
	"upper case": strings.ToUpper(valid), "10 kB": strings.Repeat("a", 10_000),
	"fullwidth": "ａａａａａ-ａａ", "fullwidth dash": "aaaaa－aa", "Cyrillic a": "\u0430aaaa-aa",
	"Cyrillic in long": strings.Replace(valid, "a", "\u0430", 1), "RTL mark": "aaaaa-aa\u200f",
	"RTL override": "\u202eaaaaa-aa", "zero-width joiner": "aaaaa-\u200daa", "zero-width space": "aaaaa\u200b-aa",
	"BOM": "\ufeffaaaaa-aa", "long s folds to S": "\u017faaaa-aa", "Kelvin sign": "\u212aaaaa-aa",
	"dotless i": "\u0131aaaa-aa", "invalid UTF-8": "aaaaa-a\xff", "soft hyphen": "aaaaa\u00adaa",
	"double dash": "aaaaa--aa", "no dash": "aaaaaaa", "checksum": "renrk-eyaaa-aaaaa-aaada-caj",
	"31 bytes of blob": principal.Encode(make([]byte, 30)),
}

func TestHostilePrincipalsAreRefused(t *testing.T) {
	for name, text := range hostilePrincipals {
		if blob, err := principal.Parse(text); !errors.Is(err, principal.ErrInvalid) {
			t.Errorf("%s: Parse(%q) = %x, %v; want ErrInvalid", name, text, blob, err)
		}
		if principal.Valid(text) {
			t.Errorf("%s: Valid(%q)", name, text)
		}
		if _, err := principal.Canonical(text); err == nil {
			t.Errorf("%s: Canonical(%q) succeeded", name, text)
		}
	}
}

// The longest valid principal (a 29-byte blob) is accepted, and its Seg is itself.
func TestLongestPrincipal(t *testing.T) {
	text := principal.Encode(make([]byte, principal.MaxBlobLen))
	if !principal.Valid(text) {
		t.Fatalf("%q refused", text)
	}
	checkSafe(t, text)
}

// FuzzParseIsSafeName: anything Parse accepts round-trips through Encode and Canonical, is
// lower-case base32 in groups of five, and its Seg is itself and a safe file name.
func FuzzParseIsSafeName(f *testing.F) {
	for _, text := range hostilePrincipals {
		f.Add(text)
	}
	for _, text := range []string{valid, "aaaaa-aa", "2vxsx-fae", principal.Encode(make([]byte, 29))} {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		blob, err := principal.Parse(text)
		if err != nil {
			if !errors.Is(err, principal.ErrInvalid) {
				t.Fatalf("Parse(%q): %v is not ErrInvalid", text, err)
			}
			return
		}
		if principal.Encode(blob) != text || len(blob) > principal.MaxBlobLen {
			t.Fatalf("accepted %q, which does not round-trip", text)
		}
		if c, err := principal.Canonical(text); err != nil || c != text {
			t.Fatalf("Canonical(%q) = %q, %v", text, c, err)
		}
		checkSafe(t, text)
	})
}

// checkSafe asserts that an accepted principal text is made of [a-z2-7] groups of at most
// five joined by single dashes, and that Seg keeps it as one safe path element.
func checkSafe(t *testing.T, text string) {
	t.Helper()
	for _, group := range strings.Split(text, "-") {
		if group == "" || len(group) > 5 {
			t.Fatalf("accepted %q with group %q", text, group)
		}
		for _, r := range group {
			if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
				t.Fatalf("accepted %q with rune %q", text, r)
			}
		}
	}
	seg := plan.Seg(text)
	root := filepath.FromSlash("/srv/backups/run")
	switch {
	case seg != text:
		t.Fatalf("Seg(%q) = %q, want the principal itself", text, seg)
	case !filepath.IsLocal(seg), seg == "." || seg == "..", strings.ContainsAny(seg, `/\.`):
		t.Fatalf("Seg(%q) = %q is not a safe file name", text, seg)
	case filepath.Dir(filepath.Join(root, seg)) != root:
		t.Fatalf("Seg(%q) leaves %s", text, root)
	}
	if plan.Safe(text) != text {
		t.Fatalf("Safe(%q) = %q changes a principal", text, plan.Safe(text))
	}
}
