// Package layouttest checks a finished backup directory in tests.
package layouttest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// CheckBackupDir asserts the backup directory of DESIGN §7: the four documents, one artifact
// directory per target and no staging left, a valid manifest whose checksums match a fresh
// computation, and a journal that matches the plan.
func CheckBackupDir(t testing.TB, dir string) *plan.Plan {
	t.Helper()
	for _, name := range []string{layout.PlanFile, layout.ExecutionJournalFile, layout.DownloadJournalFile, layout.ManifestFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("backup document %s: %v", name, err)
		}
	}
	p, err := layout.ReadPlan(dir)
	if err != nil {
		t.Fatalf("reading plan: %v", err)
	}
	for _, tg := range p.Targets {
		info, err := os.Stat(filepath.Join(dir, plan.Seg(tg.CanisterID)))
		if err != nil || !info.IsDir() {
			t.Errorf("artifact directory of %s: %v", tg.CanisterID, err)
		}
		if _, err := os.Stat(filepath.Join(dir, plan.Seg(tg.CanisterID)+".tmp")); err == nil {
			t.Errorf("staging directory of %s left behind", tg.CanisterID)
		}
	}
	if _, err := layout.ExecutionIntegrity(dir); err != nil {
		t.Errorf("execution integrity: %v", err)
	}
	if _, err := layout.LayoutIntegrity(dir); err != nil {
		t.Errorf("layout integrity (manifest, journal, checksums): %v", err)
	}
	return p
}
