package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// progressName is the file a download keeps in its directory while it runs (and its lock).
const progressName = ".download_progress.json"

// snapshotFiles are the names whose presence means a directory already holds a download.
var snapshotFiles = []string{"metadata.json", "wasm_module.bin", "wasm_memory.bin", "stable_memory.bin",
	"wasm_chunk_store", progressName}

// progress is .download_progress.json: the next file to write and how much of it is written.
type progress struct {
	CanisterID string `json:"canister_id"`
	SnapshotID string `json:"snapshot_id"`
	File       int    `json:"file"`
	Offset     int64  `json:"offset"`
}

// DownloadSnapshot writes the artifact directory of the content a snapshot captured into dir,
// shaped like the output of `icp canister snapshot download`, in steps of at most 2,000,000 bytes over which the download
// latency is spread. Without resume a directory already holding snapshot files is refused; with
// resume the download continues from dir's progress file (or starts over when there is none).
func (s *Sim) DownloadSnapshot(ctx context.Context, canister, snapshotID, dir string, resume bool) error {
	rec := &record{call: KindDownload, canister: canister, snapshotID: snapshotID}
	return s.run(ctx, rec, func() error {
		if err := s.known(rec); err != nil {
			return err
		}
		snap, err := s.findSnapshot(rec)
		if err != nil {
			return err
		}
		files, err := artifactLayout(snap.Content)
		if err != nil {
			return hostError(rec, err)
		}
		return s.download(ctx, rec, files, dir, resume)
	})
}

func (s *Sim) download(ctx context.Context, rec *record, files []artifactFile, dir string, resume bool) error {
	if !resume {
		if err := refuseSnapshotFiles(rec, dir); err != nil {
			return err
		}
	}
	pf, err := lockProgress(rec, dir)
	if err != nil {
		return err
	}
	defer pf.Close()
	w := &fileWriter{ctx: ctx, rec: rec, dir: dir, progress: pf, hook: s.afterStep,
		step: s.cfg.Latency[KindDownload] / time.Duration(steps(files))}
	if w.at, w.progressLen, err = startingPoint(rec, pf, files); err != nil {
		return err
	}
	if err := w.save(); err != nil {
		return hostError(rec, err)
	}
	for ; w.at.File < len(files); w.at.File, w.at.Offset = w.at.File+1, 0 {
		if err := w.write(&files[w.at.File]); err != nil {
			return err
		}
	}
	if err := os.Remove(pf.Name()); err != nil {
		return hostError(rec, err)
	}
	return nil
}

// refuseSnapshotFiles fails, as icp does without --resume, when dir already holds a download.
func refuseSnapshotFiles(rec *record, dir string) error {
	for _, name := range snapshotFiles {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return permanent(rec, ErrSnapshotFilesExist,
				"output directory %s already holds snapshot files (%s); use --resume to continue", dir, name)
		}
	}
	return nil
}

// lockProgress opens (creating) dir's progress file and locks it: it is the download's lock too,
// so two downloads never write one directory, and a killed download's lock dies with it.
func lockProgress(rec *record, dir string) (*os.File, error) {
	path := filepath.Join(dir, progressName)
	f, busy, err := tryFlock(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, permanent(rec, err, "output directory %s does not exist", dir)
	}
	if err != nil {
		return nil, hostError(rec, err)
	}
	if busy || !samePath(f, path) {
		if f != nil {
			f.Close()
		}
		return nil, transient(rec, ErrDownloadBusy, "another download is writing %s", dir)
	}
	return f, nil
}

// samePath reports whether the locked file is still the one at path (and not one a finishing
// download removed after we opened it).
func samePath(f *os.File, path string) bool {
	a, errA := f.Stat()
	b, errB := os.Stat(path)
	return errA == nil && errB == nil && os.SameFile(a, b)
}

// startingPoint reads where a download begins: at the start when the progress file is new or
// empty, else where it says, provided it is this snapshot's.
func startingPoint(rec *record, pf *os.File, files []artifactFile) (progress, int, error) {
	start := progress{CanisterID: rec.canister, SnapshotID: rec.snapshotID}
	data, err := io.ReadAll(io.NewSectionReader(pf, 0, 1<<20))
	if err != nil {
		return start, 0, hostError(rec, err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return start, len(data), nil
	}
	var p progress
	if json.Unmarshal(data, &p) != nil || p.CanisterID != rec.canister || p.SnapshotID != rec.snapshotID ||
		p.File < 0 || p.File > len(files) || p.Offset < 0 || (p.File < len(files) && p.Offset > files[p.File].size) {
		return start, 0, permanent(rec, ErrProgressMismatch,
			"progress file %s does not belong to snapshot %s of canister %s", pf.Name(), rec.snapshotID, rec.canister)
	}
	return p, len(data), nil
}

// steps counts the download steps, so the latency can be spread over them.
func steps(files []artifactFile) int64 {
	var n int64
	for _, f := range files {
		n += max((f.size+maxChunk-1)/maxChunk, 1)
	}
	return n
}
