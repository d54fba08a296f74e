package icp

import "testing"

const anyhowChain = "Error: failed to fetch root key from http://127.0.0.1:1/\n\nCaused by:\n" +
	"    0: error sending request for url (http://127.0.0.1:1/api/v2/status)\n" +
	"    1: client error (Connect)\n" +
	"    2: tcp connect error: Connection refused (os error 111)\n\n" +
	"Stack backtrace:\n   0: anyhow::error::<impl anyhow::Error>::msg\n" +
	"             at /cargo/registry/src/anyhow-1.0.86/src/error.rs:83:36\n   1: icp::main\n"

func TestErrorMessage(t *testing.T) {
	cases := []struct {
		name, stderr, stdout, want string
	}{
		{"numbered causes, backtrace dropped", anyhowChain, "",
			"failed to fetch root key from http://127.0.0.1:1/: error sending request for url (http://127.0.0.1:1/api/v2/status): " +
				"client error (Connect): tcp connect error: Connection refused (os error 111)"},
		{"single cause", "Error: failed to stop canister\n\nCaused by:\n    the canister is not a controller of itself\n", "",
			"failed to stop canister: the canister is not a controller of itself"},
		{"cause continued on the next line", "Error: top\n\nCaused by:\n    0: first\n       more of first\n    1: second\n", "",
			"top: first more of first: second"},
		{"multi-line error head", "Error: line one\nline two\n\nStack backtrace:\n   0: x\n", "", "line one line two"},
		{"telemetry notice before the error", "Note: telemetry\nError: boom\n", "", "boom"},
		{"clap error without tips and usage", "error: unexpected argument '--foo' found\n\n  tip: to pass '--foo' as a value, use '-- --foo'\n\n" +
			"Usage: icp canister stop [OPTIONS] <CANISTER>\n\nFor more information, try '--help'.\n", "",
			"unexpected argument '--foo' found"},
		{"clap missing arguments", "error: the following required arguments were not provided:\n  <CANISTER>\n\nUsage: icp canister stop <CANISTER>\n", "",
			"the following required arguments were not provided: <CANISTER>"},
		{"ANSI colours", "\x1b[1m\x1b[31mError\x1b[0m: \x1b[1mboom\x1b[0m\n", "", "boom"},
		{"no error line: first lines", "thread 'main' panicked at src/main.rs:3:5:\nindex out of bounds\nnote: run with `RUST_BACKTRACE=1`\n", "",
			"thread 'main' panicked at src/main.rs:3:5: index out of bounds: note: run with `RUST_BACKTRACE=1`"},
		{"blank stderr: stdout", "  \n", "Error: from stdout\n", "from stdout"},
		{"nothing at all", "", "", "no error message"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := errorMessage([]byte(c.stderr), []byte(c.stdout)); got != c.want {
				t.Fatalf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestClassification(t *testing.T) {
	cases := []struct {
		status    int
		message   string
		transient bool
	}{
		{1, "failed to fetch root key from http://x: tcp connect error: Connection refused (os error 111)", true},
		{1, "request timed out after 300s", true},
		{1, "the replica returned an HTTP error: 429 Too Many Requests: rate limit exceeded", true},
		{1, "the replica returned an HTTP error: 503 Service Unavailable", true},
		{1, "replica busy, please try again", true},
		{1, "subnet is overloaded", true},
		{1, "the replica returned a rejection error: reject code SysTransient, reject message Canister not found, error code None", true},
		{1, "the replica returned a rejection error: reject code CanisterReject, reject message busy, error code None", false},
		{1, "Only the controllers of the canister rno2w-sqaaa-aaaaa-aaacq-cai can control it", false},
		{1, "caller is not a controller of rno2w-sqaaa-aaaaa-aaacq-cai", false},
		{1, "Unauthorized", false},
		{1, "canister rno2w-sqaaa-aaaaa-aaacq-cai not found", false},
		{1, "Canister rno2w-sqaaa-aaaaa-aaacq-cai is running and snapshots can only be taken of stopped canisters", false},
		{1, "invalid value for snapshot id", false},
		{1, "failed to locate project directory", false},
		// `snapshot restore` refuses, itself, a running canister (permanent) and a stopping one (it
		// will be stopped: transient); `snapshot upload` a directory without its files.
		{1, "Canister c (rno2w-sqaaa-aaaaa-aaacq-cai) is currently running. Please stop the canister first with `icp canister stop`.", false},
		{1, "Canister c (rno2w-sqaaa-aaaaa-aaacq-cai) is still stopping. Please wait for it to fully stop.", true},
		{1, "Missing required file: /staging/c/metadata.json", false},
		{1, "something nobody has seen before", true},
		{101, "thread 'main' panicked", false},
		{3, "something nobody has seen before", false},
		{3, "connection reset by peer", true},
	}
	for _, c := range cases {
		if got := transient(c.status, c.message); got != c.transient {
			t.Errorf("status %d %q: transient=%v, want %v", c.status, c.message, got, c.transient)
		}
	}
}
