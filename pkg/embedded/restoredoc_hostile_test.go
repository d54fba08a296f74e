package embedded_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// A restore's document (`<run_id>.restore` in the plans bucket) names the backup directory it
// reads and writes under (backup_dir). One planted in KV before the request, naming a copy of
// the backup outside the backup root, must not make the restore read or write there: paths in
// KV are not trusted (docs/architecture.md). Admission accepts a document that already exists
// only when it equals the one it just admitted (runstore.SaveRestoreOnce): a planted one is
// refused and the restore rejected.
func TestPlantedRestoreDocumentTouchesNothingOutside(t *testing.T) {

	f := smallFleet(t)
	st := embeddedtest.Start(t, f, embedded.Config{})
	mustComplete(t, st.RunToEnd(t, "good-1", subtreeRequest(t, "good-1", f, "parallel")))
	mustComplete(t, st.RestoreToEnd(t, "restore-1", embeddedtest.Request(t, map[string]any{"run_id": "restore-1", "backup": "good-1"})))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	kv, err := st.Store.Plans.Get(ctx, runstore.RestoreKey("restore-1"))
	if err != nil {
		t.Fatal(err)
	}
	var doc restore.RunDocument
	if err := json.Unmarshal(kv.Value(), &doc); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Dir(st.BackupRoot)
	elsewhere := filepath.Join(outside, "elsewhere")
	if err := os.CopyFS(elsewhere, os.DirFS(filepath.Join(st.BackupRoot, "good-1"))); err != nil {
		t.Fatal(err)
	}
	doc.RunID, doc.BackupDir = "restore-2", elsewhere
	planted, _ := json.Marshal(doc)
	if _, err := st.Store.Plans.Create(ctx, runstore.RestoreKey("restore-2"), planted); err != nil {
		t.Fatal(err)
	}
	before := snapshotTree(t, outside)
	rec := st.RestoreToEnd(t, "restore-2", embeddedtest.Request(t, map[string]any{"run_id": "restore-2", "backup": "good-1"}))
	t.Logf("restore-2 ended %s: %s", rec.State, deref(rec.Error))
	checkOnlyUnder(t, before, snapshotTree(t, outside), filepath.Join("backups", "good-1", "restores", "restore-2"))
}
