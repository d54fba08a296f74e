package main

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// substitute fills the placeholders of an accepted line with concrete values.
var substitute = strings.NewReplacer("<C>", "rno2w-sqaaa-aaaaa-aaacq-cai", "<S>", "0000000000000000ffffffffffc000020101",
	"<DIR>", "/tmp/out", "<URL>", "http://127.0.0.1:4943")

func acceptedLines(t *testing.T) [][]string {
	t.Helper()
	f, err := os.Open("../../testdata/ACCEPTED-COMMAND-LINES.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, strings.Fields(substitute.Replace(l))[1:])
		}
	}
	if len(lines) == 0 {
		t.Fatal("no accepted lines")
	}
	return lines
}

// Every accepted command line parses, also with other targeting and the flags in another order
// (clap does not care about order).
func TestAcceptedLinesParse(t *testing.T) {
	for _, argv := range acceptedLines(t) {
		if _, err := parse(argv); err != nil {
			t.Errorf("%q refused: %s", argv, err.message)
		}
		net := strings.Join(argv, " ")
		net = strings.Replace(net, "-n http://127.0.0.1:4943 -k fetch", "-e staging --identity-password-file /pw", 1)
		if _, err := parse(strings.Fields(net)); err != nil {
			t.Errorf("%q refused: %s", net, err.message)
		}
	}
	// The executor's upload line: the accepted one with --json for --resume (both in the help).
	upload := "canister snapshot upload c --input /tmp/in --json -n ic"
	if inv, err := parse(strings.Fields(upload)); err != nil || inv.opts["input"] != "/tmp/in" || !inv.has("json") {
		t.Errorf("%q: %+v %v", upload, inv, err)
	}
	moved := []string{"canister", "snapshot", "download", "--resume", "--network=ic", "c", "ab", "-o", "/tmp/x"}
	if inv, err := parse(moved); err != nil || inv.args[1] != "ab" || inv.opts["output"] != "/tmp/x" {
		t.Errorf("reordered line: %+v %v", inv, err)
	}
}

func TestOtherLinesRefused(t *testing.T) {
	cases := map[string]string{
		"canister call c canic_subnet_registry () --output json -n ic": "invalid value 'json' for '--output <OUTPUT>'",
		"canister stop -n ic":                                  "required arguments were not provided:\n  <CANISTER>",
		"canister stop c d -n ic":                              "unexpected argument 'd' found",
		"canister stop c --json -n ic":                         "unexpected argument '--json' found",
		"canister stop c -n ic -e prod":                        "cannot be used with",
		"canister stop c -n ic -n ic":                          "cannot be used multiple times",
		"canister stop c -n":                                   "a value is required for '--network <NETWORK>'",
		"canister snapshot download c ab -n ic":                "required arguments were not provided:\n  --output <OUTPUT>",
		"canister snapshot download c ab --output -n ic":       "a value is required for '--output <OUTPUT>'",
		"canister snapshot list c --json=yes":                  "unexpected value 'yes'",
		"canister snapshot create c --proxy p":                 "unexpected argument '--proxy' found",
		"canister status c --public":                           "unexpected argument '--public' found",
		"canister snapshot upload c -n ic":                     "required arguments were not provided:\n  --input <INPUT>",
		"canister snapshot upload c --input /d --json -q":      "the argument '--json' cannot be used with '--quiet'",
		"canister snapshot create c --quiet --json":            "the argument '--json' cannot be used with '--quiet'",
		"canister snapshot upload c --input /d --proxy p":      "unexpected argument '--proxy' found",
		"canister snapshot upload c --input /d --replace 0xab": "invalid value '0xab' for '--replace <REPLACE>': Invalid character 'x' at position 1",
		"canister snapshot restore c -n ic":                    "required arguments were not provided:\n  <SNAPSHOT_ID>",
		"canister snapshot restore c abc":                      "invalid value 'abc' for '<SNAPSHOT_ID>': Odd number of digits",
		"canister snapshot restore c snap-1":                   "invalid value 'snap-1' for '<SNAPSHOT_ID>': Invalid character 's' at position 0",
		"canister snapshot delete c zz":                        "invalid value 'zz' for '<SNAPSHOT_ID>'",
		"canister snapshot restore c ab --json":                "unexpected argument '--json' found",
		"canister delete c":                                    "unrecognized subcommand",
		"":                                                     "requires a subcommand",
	}
	for line, want := range cases {
		_, err := parse(strings.Fields(line))
		if err == nil {
			t.Errorf("%q accepted", line)
			continue
		}
		if !strings.Contains(err.message, want) {
			t.Errorf("%q: %q does not say %q", line, err.message, want)
		}
	}
}
