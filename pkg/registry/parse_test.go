package registry

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/document"
)

// D1: wrapped registry JSON parses to the three entries.
func TestParseWrappedFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/registry-wrapped.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Pid: root, Role: ptr("root"), Kind: ptr("root")},
		{Pid: app, Role: ptr("app"), Kind: ptr("singleton"), ParentPid: ptr(root), ModuleHash: ptr("01ab"),
			CreatedAt: ptr("1715090400")},
		{Pid: worker, Role: ptr("worker"), Kind: ptr("replica"), ParentPid: ptr(app), ModuleHash: ptr(hash)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Parse = %s\nwant %s", show(got), show(want))
	}
}

func TestParseFields(t *testing.T) {
	n := (*string)(nil)
	for _, tc := range []struct {
		name, json string
		want       []Entry
	}{
		{"bare array", `[{"pid":"p"}]`, []Entry{{Pid: "p"}}},
		{"empty Ok", `{"Ok":[]}`, []Entry{}},
		{"empty array", ` [ ] `, []Entry{}},
		{"Ok next to other keys", `{"Err":null,"Ok":[{"pid":"p"}]}`, []Entry{{Pid: "p"}}},
		{"duplicate Ok: last wins", `{"Ok":[{"pid":"a"}],"Ok":[{"pid":"b"}]}`, []Entry{{Pid: "b"}}},
		{"skips non-objects and missing or non-string pid",
			`[1,"x",null,[],{},{"pid":null},{"pid":7},{"PID":"p"},{"pid":"ok"}]`, []Entry{{Pid: "ok"}}},
		{"keeps order and duplicates", `[{"pid":"b"},{"pid":"a"},{"pid":"b"}]`,
			[]Entry{{Pid: "b"}, {Pid: "a"}, {Pid: "b"}}},
		{"empty pid kept", `[{"pid":""}]`, []Entry{{Pid: ""}}},
		{"role must be a string; record role ignored", `[{"pid":"p","role":5,"record":{"role":"r"}}]`,
			[]Entry{{Pid: "p"}}},
		{"kind null at top level does not fall back", `[{"pid":"p","kind":null,"record":{"kind":"k"}}]`,
			[]Entry{{Pid: "p", Kind: n}}},
		{"kind from record", `[{"pid":"p","record":{"kind":"k"}}]`, []Entry{{Pid: "p", Kind: ptr("k")}}},
		{"kind not a string", `[{"pid":"p","kind":["k"]}]`, []Entry{{Pid: "p"}}},
		{"parent only from record", `[{"pid":"p","parent_pid":"x"}]`, []Entry{{Pid: "p"}}},
		{"parent empty string kept", `[{"pid":"p","record":{"parent_pid":""}}]`,
			[]Entry{{Pid: "p", ParentPid: ptr("")}}},
		{"parent empty array", `[{"pid":"p","record":{"parent_pid":[]}}]`, []Entry{{Pid: "p"}}},
		{"parent array takes first", `[{"pid":"p","record":{"parent_pid":["a","b"]}}]`,
			[]Entry{{Pid: "p", ParentPid: ptr("a")}}},
		{"parent array first not string", `[{"pid":"p","record":{"parent_pid":[1,"b"]}}]`, []Entry{{Pid: "p"}}},
		{"parent of other type", `[{"pid":"p","record":{"parent_pid":{"a":1}}}]`, []Entry{{Pid: "p"}}},
		{"record not an object", `[{"pid":"p","record":["parent_pid"]}]`, []Entry{{Pid: "p"}}},
		{"hash string verbatim", `[{"pid":"p","record":{"module_hash":"NOT hex"}}]`,
			[]Entry{{Pid: "p", ModuleHash: ptr("NOT hex")}}},
		{"hash bytes", `[{"pid":"p","record":{"module_hash":[0, 15, 255]}}]`,
			[]Entry{{Pid: "p", ModuleHash: ptr("000fff")}}},
		{"hash empty bytes", `[{"pid":"p","record":{"module_hash":[]}}]`,
			[]Entry{{Pid: "p", ModuleHash: ptr("")}}},
		{"hash byte too big", `[{"pid":"p","record":{"module_hash":[1,256]}}]`, []Entry{{Pid: "p"}}},
		{"hash negative", `[{"pid":"p","record":{"module_hash":[-1]}}]`, []Entry{{Pid: "p"}}},
		{"hash minus zero is a float", `[{"pid":"p","record":{"module_hash":[-0]}}]`, []Entry{{Pid: "p"}}},
		{"hash float", `[{"pid":"p","record":{"module_hash":[1.0]}}]`, []Entry{{Pid: "p"}}},
		{"hash exponent", `[{"pid":"p","record":{"module_hash":[1e0]}}]`, []Entry{{Pid: "p"}}},
		{"hash string item", `[{"pid":"p","record":{"module_hash":["01"]}}]`, []Entry{{Pid: "p"}}},
		{"hash number", `[{"pid":"p","record":{"module_hash":1}}]`, []Entry{{Pid: "p"}}},
		{"escapes decoded", `[{"pid":"\u0070\ud83d\ude00"}]`, []Entry{{Pid: "p\U0001F600"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse([]byte(tc.json))
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Parse = %s, want %s", show(got), show(tc.want))
			}
		})
	}
}

func TestParseInvalidShape(t *testing.T) {
	for _, in := range []string{`"x"`, `1`, `null`, `true`, `{}`, `{"Ok":{}}`, `{"ok":[]}`, `{"Ok":null}`} {
		_, err := Parse([]byte(in))
		var shape *ShapeError
		if !errors.Is(err, ErrInvalidShape) || !errors.As(err, &shape) {
			t.Errorf("Parse(%s) = %v, want ErrInvalidShape", in, err)
		}
	}
}

func TestParseMalformedJSON(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for _, in := range []string{
		``, ` `, `[`, `[1,]`, `[] x`, `{"Ok":[]`, `[{"pid":"p"}}]`, "[\"\xff\"]", `['x']`,
		`[{"pid":"\ud800"}]`, `[{"pid":"\udc00"}]`, `[{"pid":"\ud800\u0041"}]`, `[{"pid":"\ud800x"}]`,
		`[1e400]`, `[-1e309]`, `[` + strings.Repeat("9", 400) + `]`, deep(128),
	} {
		_, err := Parse([]byte(in))
		var jerr *JSONError
		if !errors.Is(err, ErrJSON) || !errors.As(err, &jerr) {
			t.Errorf("Parse(%.40q) = %v, want ErrJSON", in, err)
		}
	}
	var syntax *json.SyntaxError
	if _, err := Parse([]byte(`[1,]`)); !errors.As(err, &syntax) {
		t.Errorf("syntax error not reachable with errors.As: %v", err)
	}
}

// The limits mirror serde_json: these are still accepted.
func TestParseAcceptsReferenceLimits(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("[", 127) + strings.Repeat("]", 127),
		`[1e-400, 1.7976931348623157e308, 18446744073709551616, -9223372036854775809]`,
		`[{"pid":"\ud83d\ude00"}, "\\ud800"]`,
	} {
		if _, err := Parse([]byte(in)); err != nil {
			t.Errorf("Parse(%.40q) = %v, want ok", in, err)
		}
	}
}

func TestParseTooLarge(t *testing.T) {
	big := make([]byte, document.MaxSize+1)
	_, err := Parse(big)
	var size *SizeError
	if !errors.Is(err, ErrTooLarge) || !errors.Is(err, document.ErrTooLarge) || !errors.As(err, &size) {
		t.Fatalf("Parse(oversize) = %v, want ErrTooLarge", err)
	}
}

func show(entries []Entry) string {
	b, _ := json.Marshal(entries)
	return string(b)
}
