package restore

import (
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

func TestSmoke(t *testing.T) {
	if err := fixtureA(plan.IdentityRelocatable).Validate(); err != nil {
		t.Fatal(err)
	}
	dir := writeFixtureDir(t, nil)
	a, err := Admit(dir, AdmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := EncodeJournal(a.Journal)
	t.Log(string(b)[:400])
	pdir, _ := pipelineBackupDir(t)
	if _, err := Admit(pdir, AdmitOptions{}); err != nil {
		t.Fatal(err)
	}
}
