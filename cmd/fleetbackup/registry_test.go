package main

import (
	"os"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

func TestRegistryParseNormalisesEveryShape(t *testing.T) {
	want := fb(t, "", "registry", "parse", "--compact", "testdata/registry.json")
	wantCode(t, want, 0)
	entries, err := registry.Parse([]byte(want.stdout))
	if err != nil || len(entries) != 4 {
		t.Fatalf("registry parse output does not parse back (%v):\n%s", err, want)
	}
	for _, file := range []string{"testdata/registry-reply.hex", "testdata/registry-envelope.json"} {
		r := fb(t, "", "registry", "parse", file, "--compact")
		wantCode(t, r, 0)
		if r.stdout != want.stdout {
			t.Errorf("%s parses to\n%s\nwant\n%s", file, r.stdout, want.stdout)
		}
	}
	envelope, _ := os.ReadFile("testdata/registry-envelope.json")
	r := fbStdin(t, "", string(envelope), "registry", "parse", "-")
	wantCode(t, r, 0)
	wantIn(t, "pretty output", r.stdout, "{\n  \"Ok\": [\n", "rdmx6-jaaaa-aaaaa-aaadq-cai")
}

func TestRegistryParseRefusesBadInput(t *testing.T) {
	for name, input := range map[string]string{
		"not hex":            "zz",
		"truncated candid":   "4449444c0001",
		"wrong shape":        `{"registry": []}`,
		"empty":              "",
		"bad envelope bytes": `{"response_bytes": "xyz"}`,
	} {
		t.Run(name, func(t *testing.T) {
			r := fbStdin(t, "", input, "registry", "parse", "-")
			wantCode(t, r, 2)
			if r.stderr == "" {
				t.Fatal("no reason given")
			}
		})
	}
	r := fb(t, "", "registry", "parse", "testdata/registry-err.hex")
	wantCode(t, r, 2)
	wantIn(t, "stderr", r.stderr, "registry unavailable")
}
