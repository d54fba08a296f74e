package verify

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

var (
	backupOnce sync.Once
	backupDir  string
	backupErr  string
)

// backup runs one real backup (the sample fleet's user_hub subtree, 4 KiB per canister) on an
// embedded installation, once for the package, and returns a private copy of its directory.
func backup(t *testing.T) string {
	t.Helper()
	backupOnce.Do(func() {
		entries, err := registry.Parse(sim.SampleFleetJSON())
		if err != nil {
			backupErr = err.Error()
			return
		}
		f := embeddedtest.NewFleet(t, entries, 4096)
		st := embeddedtest.Start(t, f, embedded.Config{})
		rec := st.RunToEnd(t, "verify-1", embeddedtest.Request(t, map[string]any{
			"run_id": "verify-1", "fleet": "demo", "network": "local", "root_canister_id": f.Root, "selector": "user_hub"}))
		if rec.State != runs.Completed || rec.BackupDir == nil {
			backupErr = "run ended " + string(rec.State)
			return
		}
		backupDir = filepath.Join(os.TempDir(), "fleetbackup-verify-test-"+filepath.Base(t.TempDir()))
		if err := os.CopyFS(backupDir, os.DirFS(*rec.BackupDir)); err != nil {
			backupErr = err.Error()
		}
	})
	if backupErr != "" {
		t.Fatal(backupErr)
	}
	dst := filepath.Join(t.TempDir(), "verify-1")
	if err := os.CopyFS(dst, os.DirFS(backupDir)); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestMain(m *testing.M) {
	code := m.Run()
	if backupDir != "" {
		os.RemoveAll(backupDir)
	}
	os.Exit(code)
}

func artifactDir(t *testing.T, dir string, i int) string {
	t.Helper()
	r := Check(dir)
	if len(r.Artifacts) <= i {
		t.Fatalf("backup has %d artifacts", len(r.Artifacts))
	}
	return r.Artifacts[i].ArtifactPath
}

func TestCleanBackupVerifies(t *testing.T) {
	r := Check(backup(t))
	if !r.Verified || len(r.Problems) != 0 || len(r.Artifacts) != 4 || r.Execution == nil || r.BackupID != "verify-1" {
		t.Fatalf("clean backup: %+v", r)
	}
	for _, a := range r.Artifacts {
		if !a.Verified || !checksum.ValidHex(a.Checksum) || a.Bytes == 0 {
			t.Fatalf("artifact not verified: %+v", a)
		}
	}
}

func TestEachProblemIsNamed(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   []Problem // File and Err of each problem, in order
	}{
		{"flipped byte", func(t *testing.T, dir string) {
			path := filepath.Join(dir, artifactDir(t, dir, 0), "wasm_memory.bin")
			data, _ := os.ReadFile(path)
			data[0] ^= 0x80
			os.WriteFile(path, data, 0o644)
		}, []Problem{{File: "0/", Err: checksum.ErrMismatch}}},
		{"missing artifact", func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, artifactDir(t, dir, 1)))
		}, []Problem{{File: "1/", Err: layout.ErrMissingArtifact}}},
		{"edited download journal checksum", func(t *testing.T, dir string) {
			editFirst(t, filepath.Join(dir, layout.DownloadJournalFile), `"checksum": "`)
		}, []Problem{
			{File: layout.ManifestFile, Err: ErrMismatch},
			{File: layout.DownloadJournalFile, Err: ErrMismatch},
			{File: "0/", Err: checksum.ErrMismatch},
		}},
		{"missing plan", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, layout.PlanFile))
		}, []Problem{{File: layout.PlanFile, Err: os.ErrNotExist}}},
		{"malformed journal", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, layout.ExecutionJournalFile), []byte("{"), 0o644)
		}, []Problem{{File: layout.ExecutionJournalFile, Err: layout.ErrDecode}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := backup(t)
			names := []string{artifactDir(t, dir, 0) + "/", artifactDir(t, dir, 1) + "/"}
			c.damage(t, dir)
			r := Check(dir)
			if r.Verified || len(r.Problems) != len(c.want) {
				t.Fatalf("want %d problems, got %+v", len(c.want), r.Problems)
			}
			for i, w := range c.want {
				file := w.File
				if file == "0/" || file == "1/" {
					file = names[file[0]-'0']
				}
				got := r.Problems[i]
				if got.File != file || !errors.Is(got.Err, w.Err) || got.Message == "" {
					t.Errorf("problem %d: got %s (%v), want file %s matching %v", i, got, got.Err, file, w.Err)
				}
			}
		})
	}
}

func TestLeftoversAreWarnings(t *testing.T) {
	dir := backup(t)
	os.Mkdir(filepath.Join(dir, "aaaaa-aa.tmp"), 0o755)
	os.Mkdir(filepath.Join(dir, "stray"), 0o755)
	r := Check(dir)
	if !r.Verified || len(r.Warnings) != 2 || r.Warnings[0].File != "aaaaa-aa.tmp/" || r.Warnings[1].File != "stray/" {
		t.Fatalf("leftovers: verified %v, warnings %+v", r.Verified, r.Warnings)
	}
}

// editFirst changes the first hex digit after the first occurrence of key.
func editFirst(t *testing.T, path, key string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(data), key)
	if i < 0 {
		t.Fatalf("%q not in %s", key, path)
	}
	at := i + len(key)
	data[at] = map[bool]byte{true: '1', false: '0'}[data[at] == '0']
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
