package icp

import (
	"bufio"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

const (
	testCanister = "rno2w-sqaaa-aaaaa-aaacq-cai"
	testSnapshot = "0000000000000000ffffffffffc000020101"
	testDir      = "/backups/run-1/rno2w-sqaaa-aaaaa-aaacq-cai.tmp"
	testURL      = "http://127.0.0.1:4943"
)

// acceptedLines reads testdata/ACCEPTED-COMMAND-LINES.txt: the command lines icp 1.5.0's parser accepted.
func acceptedLines(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("testdata/ACCEPTED-COMMAND-LINES.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	if err := sc.Err(); err != nil || len(lines) == 0 {
		t.Fatalf("no accepted lines: %v", err)
	}
	return lines
}

// shape replaces concrete values by the placeholders of the accepted lines.
func shape(argv []string) string {
	out := []string{"icp"}
	for _, a := range argv {
		switch a {
		case testCanister:
			a = "<C>"
		case testSnapshot:
			a = "<S>"
		case testDir:
			a = "<DIR>"
		case testURL:
			a = "<URL>"
		}
		out = append(out, a)
	}
	return strings.Join(out, " ")
}

// builtLines are every command line the executor builds, by operation.
func builtLines(cfg Config) map[string][]string {
	flags := cfg.targetFlags()
	return map[string][]string{
		"registry":        slices.Concat(registryArgs(testCanister), flags),
		"status":          slices.Concat(statusArgs(testCanister), flags),
		"stop":            slices.Concat(stopArgs(testCanister), flags),
		"start":           slices.Concat(startArgs(testCanister), flags),
		"create":          slices.Concat(createArgs(testCanister), flags),
		"replace":         slices.Concat(replaceArgs(testCanister, testSnapshot), flags),
		"list":            slices.Concat(listArgs(testCanister), flags),
		"delete":          slices.Concat(deleteArgs(testCanister, testSnapshot), flags),
		"download":        slices.Concat(downloadArgs(testCanister, testSnapshot, testDir, false), flags),
		"download-resume": slices.Concat(downloadArgs(testCanister, testSnapshot, testDir, true), flags),
		"upload":          slices.Concat(uploadArgs(testCanister, testDir), flags),
		"restore":         slices.Concat(restoreArgs(testCanister, testSnapshot), flags),
	}
}

// checkedShape reports whether a command line shape was checked against icp's parser: it is one
// of the accepted lines, or it is the upload line, whose one difference from the accepted
// `upload <C> --input <DIR> --resume` is --json for --resume (both documented options of
// testdata/canister-snapshot-upload.txt, with no conflict between --json and --input).
func checkedShape(accepted []string, shape string) bool {
	if slices.Contains(accepted, shape) {
		return true
	}
	rest, ok := strings.CutPrefix(shape, "icp canister snapshot upload <C> --input <DIR> --json ")
	return ok && slices.Contains(accepted, "icp canister snapshot upload <C> --input <DIR> --resume "+rest)
}

// Every command line, with a URL network and -k fetch as the accepted lines were checked, is
// exactly one of the accepted lines.
func TestCommandLinesAreAccepted(t *testing.T) {
	accepted := acceptedLines(t)
	cfg, err := Config{Network: testURL, RootKey: "fetch"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"registry":        "icp canister call <C> canic_subnet_registry () --query --json -n <URL> -k fetch",
		"status":          "icp canister status <C> --json -n <URL> -k fetch",
		"stop":            "icp canister stop <C> -n <URL> -k fetch",
		"start":           "icp canister start <C> -n <URL> -k fetch",
		"create":          "icp canister snapshot create <C> --json -n <URL> -k fetch",
		"replace":         "icp canister snapshot create <C> --quiet --replace <S> -n <URL> -k fetch",
		"list":            "icp canister snapshot list <C> --json -n <URL> -k fetch",
		"delete":          "icp canister snapshot delete <C> <S> -n <URL> -k fetch",
		"download":        "icp canister snapshot download <C> <S> --output <DIR> -n <URL> -k fetch",
		"download-resume": "icp canister snapshot download <C> <S> --output <DIR> --resume -n <URL> -k fetch",
		"upload":          "icp canister snapshot upload <C> --input <DIR> --json -n <URL> -k fetch",
		"restore":         "icp canister snapshot restore <C> <S> -n <URL> -k fetch",
	}
	for op, argv := range builtLines(cfg) {
		got := shape(argv)
		if got != want[op] {
			t.Errorf("%s: built %q, want %q", op, got, want[op])
		}
		if !checkedShape(accepted, got) {
			t.Errorf("%s: %q is not an accepted command line", op, got)
		}
	}
}

// With other targeting, the command part is the same accepted shape and the network part is
// replaced; identity flags come last, in a fixed order.
func TestCommandLineTargeting(t *testing.T) {
	cases := []struct {
		cfg  Config
		tail string
	}{
		{Config{}, "-n local"},
		{Config{Network: "ic"}, "-n ic"},
		{Config{Network: "https://icp-api.io", RootKey: "mainnet"}, "-n https://icp-api.io -k mainnet"},
		{Config{Environment: "staging"}, "-e staging"},
		{Config{Network: testURL, RootKey: "fetch", Identity: "default"}, "-n <URL> -k fetch --identity default"},
		{Config{Network: "ic", Identity: "ops", IdentityPasswordFile: "/run/secrets/pw"},
			"-n ic --identity ops --identity-password-file /run/secrets/pw"},
	}
	accepted := acceptedLines(t)
	for _, c := range cases {
		cfg, err := c.cfg.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		for op, argv := range builtLines(cfg) {
			got := shape(argv)
			head, ok := strings.CutSuffix(got, " "+c.tail)
			if !ok {
				t.Errorf("%s: %q does not end with %q", op, got, c.tail)
				continue
			}
			if !checkedShape(accepted, head+" -n <URL> -k fetch") {
				t.Errorf("%s: %q has no accepted shape", op, head)
			}
		}
	}
}

func TestArgumentsCheckedBeforeRunning(t *testing.T) {
	if err := checkCanister("canister", "--json"); err == nil {
		t.Error("flag-like canister accepted")
	}
	for _, id := range []string{"", "abc", "-0ab", "0xab", "zz"} {
		if err := checkSnapshotID(id); err == nil {
			t.Errorf("snapshot id %q accepted", id)
		}
	}
	dir, err := outputDir("relative/dir")
	if err != nil || !strings.HasPrefix(dir, "/") {
		t.Errorf("relative dir: %q %v", dir, err)
	}
	if _, err := outputDir(""); err == nil {
		t.Error("empty dir accepted")
	}
	if dir, err := inputDir("-staged"); err != nil || !strings.HasPrefix(dir, "/") {
		t.Errorf("relative input dir: %q %v", dir, err)
	}
	if _, err := inputDir(""); err == nil {
		t.Error("empty input dir accepted")
	}
}

// The upload's flags are those icp 1.5.0 documents for `snapshot upload`, and the flag it adds to
// the accepted line (--json) is not one that conflicts with another it uses.
func TestUploadFlagsDocumented(t *testing.T) {
	help, err := os.ReadFile("testdata/canister-snapshot-upload.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{"-i, --input <INPUT>", "--json", "Usage: icp canister snapshot upload [OPTIONS] --input <INPUT> <CANISTER>"} {
		if !strings.Contains(string(help), flag) {
			t.Errorf("help does not document %q", flag)
		}
	}
	want := []string{"canister", "snapshot", "upload", testCanister, "--input", testDir, "--json"}
	if got := uploadArgs(testCanister, testDir); !slices.Equal(got, want) {
		t.Errorf("upload: %q", got)
	}
	want = []string{"canister", "snapshot", "restore", testCanister, testSnapshot}
	if got := restoreArgs(testCanister, testSnapshot); !slices.Equal(got, want) {
		t.Errorf("restore: %q", got)
	}
}

// X3, adapted: the reference renders `snapshot create ... --quiet`; we use `--json` (DOMAIN §13,
// structured snapshot receipts). The download line renders exactly as the reference's with an
// environment. Where the reference let the environment win over a network, icp 1.5.0 refuses
// -n with -e, so New rejects that configuration (ErrNetworkConflict, see TestConfigValidation).
func TestRenderingX3(t *testing.T) {
	ic, _ := Config{Network: "ic"}.withDefaults()
	got := strings.Join(slices.Concat([]string{"icp"}, createArgs("aaaaa-aa"), ic.targetFlags()), " ")
	if got != "icp canister snapshot create aaaaa-aa --json -n ic" {
		t.Errorf("create: %s", got)
	}
	staging, _ := Config{Environment: "staging"}.withDefaults()
	got = strings.Join(slices.Concat([]string{"icp"}, downloadArgs("root", "snap-1", "backups/root", false), staging.targetFlags()), " ")
	if got != "icp canister snapshot download root snap-1 --output backups/root -e staging" {
		t.Errorf("download: %s", got)
	}
	if _, err := New(Config{Network: "ic", Environment: "staging"}); !errors.Is(err, ErrNetworkConflict) {
		t.Errorf("network and environment: %v", err)
	}
}
