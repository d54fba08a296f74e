// Package restoreops holds the effects of a restore run's own operation kinds (DESIGN §10):
// upload-snapshot (run by the downloader), load-snapshot and check-member (the snapshotter) and
// finalize-restore (the finalizer). Stops and starts are the backup's own effects. Every effect
// reads the restore's admitted document (runstore.RunPlan.Restore), never a path from KV.
package restoreops
