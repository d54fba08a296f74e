package snapkeep

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// Claims are what the completed backups under a backup root say they took: canister id →
// snapshot id → the ids of the runs whose manifest names that snapshot for that canister, in
// order. A claim is only a lead: Prover asks the Ledger before believing it.
type Claims map[string]map[string][]string

// Skipped is an entry of the backup root that was not read as a completed backup, and why.
type Skipped struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// ScanClaims reads the manifest of every completed backup directory under root and collects
// the snapshots it names for the canisters want accepts (every canister when want is nil). An
// entry counts when it is a real directory (not a symbolic link) named like a run id, holding a
// regular fleet-backup-manifest.json that reads and validates (layout.ReadManifest) and whose
// backup_id is the directory's name. Anything else is returned as skipped, with the reason (a
// directory without a manifest is an unfinished run, not worth a reason). A root that does not
// exist (no backup yet), or an empty root, has no claims; only an unreadable root is an error.
func ScanClaims(root string, want func(canister string) bool) (Claims, []Skipped, error) {
	return new(Index).Claims(root, want)
}

// Index is ScanClaims with a memory: it reads a directory's manifest again only when the
// manifest's size or modification time changed (a completed backup's manifest is written once),
// so that a long-running service scans a backup root of many backups cheaply. It is safe for
// concurrent use; its zero value is ready.
type Index struct {
	mu   sync.Mutex
	dirs map[string]indexed // by entry name, as of the last scan
}

// indexed is what a scan learnt about one entry of the root.
type indexed struct {
	size   int64
	mod    time.Time
	claims []claim
	reason string
}

// Claims is ScanClaims through the index.
func (x *Index) Claims(root string, want func(canister string) bool) (Claims, []Skipped, error) {
	claims := Claims{}
	if root == "" {
		return claims, nil, nil
	}
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return claims, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading backup root: %w", err)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	seen := make(map[string]indexed, len(entries))
	var skipped []Skipped
	for _, e := range entries {
		got := x.read(root, e)
		seen[e.Name()] = got
		if got.reason != "" {
			skipped = append(skipped, Skipped{Name: e.Name(), Reason: got.reason})
		}
		for _, c := range got.claims {
			if want == nil || want(c.canister) {
				claims.add(c.canister, c.snapshot, e.Name())
			}
		}
	}
	x.dirs = seen // entries gone from the root (pruned backups) are forgotten
	return claims, skipped, nil
}

// claim is one manifest member's canister and source snapshot.
type claim struct{ canister, snapshot string }

// read classifies one entry of the root: the claims of a completed backup, or the reason it is
// not one ("" with no claims for a directory without a manifest). A manifest read before, and
// unchanged since, is not read again.
func (x *Index) read(root string, e fs.DirEntry) indexed {
	name := e.Name()
	switch {
	case e.Type()&fs.ModeSymlink != 0:
		return indexed{reason: "a symbolic link"}
	case !e.IsDir():
		return indexed{reason: "not a directory"}
	case !runs.IDPattern.MatchString(name):
		return indexed{reason: "name is not a run id"}
	}
	dir := filepath.Join(root, name)
	info, err := os.Lstat(filepath.Join(dir, layout.ManifestFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return indexed{}
	case err != nil:
		return indexed{reason: err.Error()}
	case !info.Mode().IsRegular():
		return indexed{reason: layout.ManifestFile + " is not a regular file"}
	}
	if old, ok := x.dirs[name]; ok && old.size == info.Size() && old.mod.Equal(info.ModTime()) {
		return old
	}
	got := indexed{size: info.Size(), mod: info.ModTime()}
	got.claims, got.reason = readManifest(dir, name)
	return got
}

// readManifest reads the claims of a completed backup's manifest, or the reason it is not one.
func readManifest(dir, name string) ([]claim, string) {
	m, err := layout.ReadManifest(dir)
	if err != nil {
		return nil, "manifest unreadable: " + err.Error()
	}
	if m.BackupID != name {
		return nil, fmt.Sprintf("manifest backup_id %q is not the directory's name", m.BackupID)
	}
	out := make([]claim, 0, len(m.Fleet.Members))
	for _, mem := range m.Fleet.Members {
		out = append(out, claim{canister: mem.CanisterID, snapshot: mem.SourceSnapshot.SnapshotID})
	}
	return out, ""
}

// ClaimedBesides reports whether a completed backup other than run runID claims a snapshot of
// canister: when none does, fleetbackup knows of no snapshot of it but run runID's, and
// retention has nothing to decide there.
func (c Claims) ClaimedBesides(canister, runID string) bool {
	for _, runIDs := range c[canister] {
		if slices.ContainsFunc(runIDs, func(id string) bool { return id != runID }) {
			return true
		}
	}
	return false
}

func (c Claims) add(canister, snapshot, runID string) {
	if snapshot == "" {
		return
	}
	bySnapshot := c[canister]
	if bySnapshot == nil {
		bySnapshot = map[string][]string{}
		c[canister] = bySnapshot
	}
	if !slices.Contains(bySnapshot[snapshot], runID) {
		bySnapshot[snapshot] = append(bySnapshot[snapshot], runID)
	}
}
