package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyDir copies a backup directory, so that each test can damage its own.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// artifactDirs lists the artifact directories of a backup, in name order.
func artifactDirs(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	if len(out) == 0 {
		t.Fatalf("no artifact directory in %s", dir)
	}
	return out
}

func flipByte(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil || len(data) < 100 {
		t.Fatalf("reading %s: %v", path, err)
	}
	data[len(data)/2] ^= 0x01
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// editManifestChecksum changes one hex digit of the first member's checksum: the manifest
// stays valid, but no longer agrees with the download journal.
func editManifestChecksum(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, "fleet-backup-manifest.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const key = `"checksum": "`
	i := strings.Index(string(data), key)
	if i < 0 {
		t.Fatalf("no checksum in %s", path)
	}
	at := i + len(key)
	if data[at] == '0' {
		data[at] = '1'
	} else {
		data[at] = '0'
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyNamesEachProblem(t *testing.T) {
	src := demoBackup(t)
	cases := []struct {
		name   string
		damage func(t *testing.T, dir string) []string // returns what the output must name
	}{
		{"flipped byte in an artifact", func(t *testing.T, dir string) []string {
			art := artifactDirs(t, dir)[0]
			flipByte(t, filepath.Join(dir, art, "wasm_memory.bin"))
			return []string{art + "/", "checksum mismatch"}
		}},
		{"missing artifact directory", func(t *testing.T, dir string) []string {
			art := artifactDirs(t, dir)[1]
			if err := os.RemoveAll(filepath.Join(dir, art)); err != nil {
				t.Fatal(err)
			}
			return []string{art + "/", "missing"}
		}},
		{"edited manifest", func(t *testing.T, dir string) []string {
			editManifestChecksum(t, dir)
			return []string{"fleet-backup-manifest.json", "differs from download-journal.json"}
		}},
		{"manifest no longer valid", func(t *testing.T, dir string) []string {
			path := filepath.Join(dir, "fleet-backup-manifest.json")
			data, _ := os.ReadFile(path)
			os.WriteFile(path, []byte(strings.Replace(string(data), `"manifest_version": `, `"manifest_version": 9`, 1)), 0o644)
			return []string{"fleet-backup-manifest.json", "invalid"}
		}},
		{"all three at once", func(t *testing.T, dir string) []string {
			arts := artifactDirs(t, dir)
			flipByte(t, filepath.Join(dir, arts[0], "stable_memory.bin"))
			os.RemoveAll(filepath.Join(dir, arts[1]))
			editManifestChecksum(t, dir)
			return []string{arts[0] + "/", arts[1] + "/", "fleet-backup-manifest.json", "3 problem(s)"}
		}},
		{"missing execution journal", func(t *testing.T, dir string) []string {
			os.Remove(filepath.Join(dir, "backup-execution-journal.json"))
			return []string{"backup-execution-journal.json: missing"}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDir(t, src)
			want := c.damage(t, dir)
			r := fb(t, "", "verify", dir)
			wantCode(t, r, 1)
			wantIn(t, "verify output", r.stdout+r.stderr, want...)
			wantIn(t, "verify output", r.stdout, "NOT verified")
		})
	}
}

func TestVerifyJSONReport(t *testing.T) {
	dir := copyDir(t, demoBackup(t))
	r := fb(t, "", "verify", "--json", dir)
	wantCode(t, r, 0)
	var report struct {
		Verified  bool              `json:"verified"`
		Problems  []json.RawMessage `json:"problems"`
		Artifacts []struct {
			Checksum string `json:"checksum"`
			Verified bool   `json:"verified"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("verify --json is not JSON: %v\n%s", err, r)
	}
	if !report.Verified || report.Problems == nil || len(report.Problems) != 0 || len(report.Artifacts) != 4 {
		t.Fatalf("unexpected report: %s", r.stdout)
	}
	art := artifactDirs(t, dir)[2]
	os.RemoveAll(filepath.Join(dir, art))
	r = fb(t, "", "verify", dir, "--json") // flags may follow the directory
	wantCode(t, r, 1)
	wantIn(t, "verify --json", r.stdout, `"verified": false`, `"file": "`+art+`/"`)
}

func TestVerifyBadInput(t *testing.T) {
	wantCode(t, fb(t, "", "verify", filepath.Join(t.TempDir(), "nope")), 2)
	wantCode(t, fb(t, "", "verify"), 2)
	r := fb(t, "", "verify", t.TempDir())
	wantCode(t, r, 1) // an empty directory is a backup with every document missing
	wantIn(t, "verify output", r.stdout, "backup-plan.json: missing", "fleet-backup-manifest.json: missing")
}
