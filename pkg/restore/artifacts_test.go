package restore

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// artifactPlan is fixture A with artifacts artifacts/child and artifacts/root holding
// `child-snapshot` and `root-snapshot`, their checksums in the manifest; edit may change it.
func artifactPlan(t *testing.T, edit func(m *manifest.Manifest)) (string, *Plan) {
	t.Helper()
	dir := t.TempDir()
	m := fixtureA(plan.IdentityRelocatable)
	for i, name := range []string{"child", "root"} {
		snap := &m.Fleet.Members[i].SourceSnapshot
		snap.ArtifactPath = "artifacts/" + name
		snap.Checksum = sp(writeFile(t, filepath.Join(dir, "artifacts", name), name+"-snapshot"))
	}
	if edit != nil {
		edit(m)
	}
	return dir, mustPlan(t, m, nil)
}

func TestR16_ArtifactsPresentAndVerified(t *testing.T) {
	dir, p := artifactPlan(t, nil)
	v, err := ValidateArtifacts(dir, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.CheckedMembers != 2 || !v.ArtifactsPresent || !v.ChecksumsVerified || v.MembersWithExpectedChecksums != 2 {
		t.Fatalf("got %+v", v)
	}
	if c := v.Checks[0]; c.SourceCanister != rootID || !c.ChecksumVerified || !c.Exists ||
		*c.ChecksumActual != checksum.Bytes([]byte("root-snapshot")) {
		t.Fatalf("check 0 %+v", c)
	}
	if !filepath.IsAbs(v.BackupRoot) {
		t.Fatalf("backup root %q is not absolute", v.BackupRoot)
	}
}

func TestR17_MissingOrEscapingArtifact(t *testing.T) {
	cases := []struct {
		path string
		want error
	}{
		{"missing-child", ErrArtifactMissing},
		{"../outside", ErrArtifactPathEscapesBackup},
		{"/etc/passwd", ErrArtifactPathEscapesBackup},
		{"./.", ErrArtifactPathEscapesBackup},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			dir, p := artifactPlan(t, func(m *manifest.Manifest) { m.Fleet.Members[0].SourceSnapshot.ArtifactPath = c.path })
			_, err := ValidateArtifacts(dir, p, nil)
			var e *Error
			if !errors.Is(err, c.want) || !errors.As(err, &e) || e.Source != childID {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestR18_SymlinksAndSpecialFilesAreUnsafe(t *testing.T) {
	t.Run("symlink on the path", func(t *testing.T) {
		dir, p := artifactPlan(t, nil)
		os.Rename(filepath.Join(dir, "artifacts"), filepath.Join(dir, "real"))
		mustSymlink(t, "real", filepath.Join(dir, "artifacts"))
		if _, err := ValidateArtifacts(dir, p, nil); !errors.Is(err, ErrArtifactUnsafeType) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("symlink inside a directory artifact", func(t *testing.T) {
		dir, p := artifactPlan(t, func(m *manifest.Manifest) { m.Fleet.Members[1].SourceSnapshot.Checksum = nil })
		os.Remove(filepath.Join(dir, "artifacts", "root"))
		writeFile(t, filepath.Join(dir, "artifacts", "root", "data"), "x")
		mustSymlink(t, "data", filepath.Join(dir, "artifacts", "root", "link"))
		if _, err := ValidateArtifacts(dir, p, nil); !errors.Is(err, ErrArtifactUnsafeType) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("backup root is a symlink", func(t *testing.T) {
		dir, p := artifactPlan(t, nil)
		link := filepath.Join(t.TempDir(), "link")
		mustSymlink(t, dir, link)
		if _, err := ValidateArtifacts(link, p, nil); !errors.Is(err, ErrArtifactRootUnsafe) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("unix socket", func(t *testing.T) {
		dir, p := artifactPlan(t, nil)
		sock := filepath.Join(dir, "artifacts", "child")
		os.Remove(sock)
		l, err := net.Listen("unix", sock)
		if err != nil {
			t.Skipf("no unix sockets here: %v", err)
		}
		defer l.Close()
		if _, err := ValidateArtifacts(dir, p, nil); !errors.Is(err, ErrArtifactUnsafeType) {
			t.Fatalf("got %v", err)
		}
	})
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
}

func TestR19_MissingChecksumBlocksTheJournal(t *testing.T) {
	dir, p := artifactPlan(t, func(m *manifest.Manifest) { m.Fleet.Members[0].SourceSnapshot.Checksum = nil })
	v, err := ValidateArtifacts(dir, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.ChecksumsVerified || !v.ArtifactsPresent || p.ReadinessSummary.Ready {
		t.Fatalf("validation %+v, readiness %+v", v, p.ReadinessSummary)
	}
	j, err := NewJournal(p, v)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"artifact-checksum-validation-incomplete", "missing-snapshot-checksum"}
	if j.Ready || !slices.Equal(j.BlockedReasons, want) || j.BlockedOperations != j.OperationCount {
		t.Fatalf("journal ready %v reasons %v blocked %d", j.Ready, j.BlockedReasons, j.BlockedOperations)
	}
}

// A flipped byte in an artifact is refused with the checksum mismatch behind it.
func TestFlippedArtifactByte(t *testing.T) {
	dir, p := artifactPlan(t, nil)
	if err := os.WriteFile(filepath.Join(dir, "artifacts", "root"), []byte("Root-snapshot"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ValidateArtifacts(dir, p, nil)
	if !errors.Is(err, ErrArtifactChecksum) || !errors.Is(err, checksum.ErrMismatch) {
		t.Fatalf("got %v", err)
	}
}
