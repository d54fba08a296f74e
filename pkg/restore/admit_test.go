package restore

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
)

func TestR51_AdmitBuildsPlanAndJournal(t *testing.T) {
	dir := writeFixtureDir(t, nil)
	a, err := Admit(dir, AdmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Plan.ReadinessSummary.Ready || a.Plan.MemberCount != 2 || !a.Journal.Ready || a.Journal.OperationCount != 11 {
		t.Fatalf("plan %+v journal %+v", a.Plan.ReadinessSummary, a.Journal.OperationCount)
	}
	if a.Integrity == nil || !a.Artifacts.ChecksumsVerified || *a.Journal.BackupRoot != a.Artifacts.BackupRoot {
		t.Fatalf("admission %+v", a)
	}
	if err := JournalMatchesPlan(a.Plan, a.Journal); err != nil {
		t.Fatal(err)
	}
}

func TestR52_AdmissionLikeThePlanCommand(t *testing.T) {
	t.Run("no download journal", func(t *testing.T) {
		dir := writeFixtureDir(t, nil)
		os.Remove(filepath.Join(dir, layout.DownloadJournalFile))
		var ae *AdmissionError
		if _, err := Admit(dir, AdmitOptions{}); !errors.As(err, &ae) || ae.Step != StepLayoutIntegrity {
			t.Fatalf("got %v", err)
		}
		if _, err := Admit(dir, AdmitOptions{SkipLayoutIntegrity: true}); err != nil {
			t.Fatalf("without require_verified: %v", err)
		}
	})
	t.Run("mapping", func(t *testing.T) {
		a, err := Admit(writeFixtureDir(t, nil), AdmitOptions{Mapping: mapping(rootID, rootID, childID, targetID)})
		if err != nil {
			t.Fatal(err)
		}
		if a.Plan.Members[0].TargetCanister != rootID || a.Plan.Members[1].TargetCanister != targetID {
			t.Fatalf("members %+v", a.Plan.Members)
		}
	})
	t.Run("not restore-ready", func(t *testing.T) {
		dir := writeFixtureDir(t, func(m *manifest.Manifest) { m.Fleet.Members[0].SourceSnapshot.Checksum = nil })
		var e *Error
		_, err := Admit(dir, AdmitOptions{})
		if !errors.Is(err, ErrNotReady) || !errors.As(err, &e) || !slices.Equal(e.Reasons, []string{"missing-snapshot-checksum"}) {
			t.Fatalf("got %v", err)
		}
		a, err := Admit(dir, AdmitOptions{AllowNotReady: true})
		if err != nil || a.Journal.Ready {
			t.Fatalf("allowed: %v", err)
		}
	})
}

// The rejections: nothing is admitted from a damaged directory or a bad mapping, and the
// error says which step refused and why.
func TestAdmitRejections(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, dir string)
		opts   AdmitOptions
		step   string
		want   error
	}{
		{"flipped byte", func(t *testing.T, dir string) { flipByte(t, filepath.Join(dir, "artifacts", "root")) },
			AdmitOptions{}, StepLayoutIntegrity, checksum.ErrMismatch},
		{"flipped byte, unverified", func(t *testing.T, dir string) { flipByte(t, filepath.Join(dir, "artifacts", "root")) },
			AdmitOptions{SkipLayoutIntegrity: true}, StepArtifacts, ErrArtifactChecksum},
		{"missing artifact", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "artifacts", "app")) },
			AdmitOptions{}, StepLayoutIntegrity, layout.ErrMissingArtifact},
		{"missing artifact, unverified", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "artifacts", "app")) },
			AdmitOptions{SkipLayoutIntegrity: true}, StepArtifacts, ErrArtifactMissing},
		{"edited manifest checksum", editManifest(func(m *manifest.Manifest) { m.Fleet.Members[0].SourceSnapshot.Checksum = sp(hashHex) }),
			AdmitOptions{}, StepLayoutIntegrity, layout.ErrManifestJournalChecksumMismatch},
		{"edited manifest checksum, unverified", editManifest(func(m *manifest.Manifest) { m.Fleet.Members[0].SourceSnapshot.Checksum = sp(hashHex) }),
			AdmitOptions{SkipLayoutIntegrity: true}, StepArtifacts, ErrArtifactChecksum},
		{"manifest no longer valid", func(t *testing.T, dir string) { editRaw(t, dir, `"topology_hash": "`, `"topology_hash": "x`) },
			AdmitOptions{SkipLayoutIntegrity: true}, StepManifest, layout.ErrInvalidManifest},
		{"mapping misses a member", nil, AdmitOptions{Mapping: mapping(rootID, rootID)}, StepPlan, ErrMissingMappingSource},
		{"mapping names a target twice", nil, AdmitOptions{Mapping: mapping(rootID, rootID, childID, rootID)}, StepMapping, ErrDuplicateMappingTarget},
		{"mapping names a source twice", nil, AdmitOptions{Mapping: mapping(rootID, rootID, rootID, rootID)}, StepMapping, ErrDuplicateMappingSource},
		{"no such directory", func(t *testing.T, dir string) { os.RemoveAll(dir) }, AdmitOptions{}, StepLayoutIntegrity, os.ErrNotExist},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFixtureDir(t, nil)
			if c.damage != nil {
				c.damage(t, dir)
			}
			a, err := Admit(dir, c.opts)
			var ae *AdmissionError
			if a != nil || !errors.As(err, &ae) || ae.Step != c.step || !errors.Is(err, c.want) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func flipByte(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[0] ^= 0x01
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// editManifest rewrites the manifest through the layout writer, as an editor that keeps it valid.
func editManifest(edit func(m *manifest.Manifest)) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		m, err := layout.ReadManifest(dir)
		if err != nil {
			t.Fatal(err)
		}
		edit(m)
		if err := layout.WriteManifest(dir, m); err != nil {
			t.Fatal(err)
		}
	}
}

// editRaw replaces text in the manifest file, as a hand edit that may break it.
func editRaw(t *testing.T, dir, old, new string) {
	t.Helper()
	path := filepath.Join(dir, layout.ManifestFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := []byte(strings.Replace(string(data), old, new, 1))
	if err := os.WriteFile(path, edited, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A backup directory written the way the pipeline writes one (plan, execution journal, download
// journal, manifest built from them, one artifact directory per canister) is admitted, and its
// artifacts are hashed once, by the layout integrity step.
func TestAdmitPipelineBackupDir(t *testing.T) {
	dir, m := pipelineBackupDir(t)
	a, err := Admit(dir, AdmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := len(m.Fleet.Members)
	if a.Plan.MemberCount != n || a.Journal.OperationCount != 4*n+a.Plan.VerificationSummary.TotalChecks+1 || !a.Journal.Ready {
		t.Fatalf("members %d, operations %d", a.Plan.MemberCount, a.Journal.OperationCount)
	}
	for i, mem := range a.Plan.Members {
		if mem.ParentSourceCanister != nil && mem.OrderingDependency != nil {
			parent := slices.IndexFunc(a.Plan.Members, func(p Member) bool { return p.SourceCanister == *mem.ParentSourceCanister })
			if parent >= i {
				t.Fatalf("member %d comes before its parent %d", i, parent)
			}
		}
	}
	if d := a.Journal.Operations[a.Journal.OperationCount-1]; d.Operation != KindFinalizeRestore || d.TargetCanister != m.Source.RootCanister {
		t.Fatalf("finalize %+v", d)
	}
}

// A journal is built only from an artifact validation of the same plan (RESTORE §3.6's binding
// of artifact checks to uploads).
func TestNewJournalRefusesForeignValidation(t *testing.T) {
	dir, p := artifactPlan(t, nil)
	v, err := ValidateArtifacts(dir, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		edit func(v *ArtifactValidation)
	}{
		{"other snapshot", func(v *ArtifactValidation) { v.Checks[1].SnapshotID = "snap-other" }},
		{"one check short", func(v *ArtifactValidation) { v.Checks, v.CheckedMembers = v.Checks[:1], 1 }},
		{"other checksum", func(v *ArtifactValidation) { v.Checks[0].ChecksumExpected = sp(hashHex) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			copyV := *v
			copyV.Checks = slices.Clone(v.Checks)
			c.edit(&copyV)
			if _, err := NewJournal(p, &copyV); !errors.Is(err, ErrProjectionMismatch) {
				t.Fatalf("got %v", err)
			}
		})
	}
}
