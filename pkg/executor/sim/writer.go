package sim

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// fileWriter writes artifact files step by step, recording its progress after every step.
type fileWriter struct {
	ctx  context.Context
	rec  *record
	dir  string
	at   progress
	step time.Duration // latency per step
	buf  []byte
	hook func(progress) // called after every step; tests use it to interrupt a download

	progress    *os.File // the locked progress file
	progressLen int
}

// write writes one file from w.at.Offset to its end.
func (w *fileWriter) write(a *artifactFile) error {
	path := filepath.Join(w.dir, filepath.FromSlash(a.name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return hostError(w.rec, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return hostError(w.rec, err)
	}
	defer f.Close()
	// Bytes past the recorded progress may be from an interrupted step: write them again.
	if info, err := f.Stat(); err != nil || info.Size() != w.at.Offset {
		if err := f.Truncate(w.at.Offset); err != nil {
			return hostError(w.rec, err)
		}
	}
	for {
		if err := sleep(w.ctx, w.rec, w.step); err != nil {
			return err
		}
		n := min(a.size-w.at.Offset, maxChunk)
		if int64(cap(w.buf)) < n {
			w.buf = make([]byte, n)
		}
		a.read(w.buf[:n], w.at.Offset)
		if _, err := f.WriteAt(w.buf[:n], w.at.Offset); err != nil {
			return hostError(w.rec, err)
		}
		w.at.Offset += n
		if err := w.save(); err != nil {
			return hostError(w.rec, err)
		}
		if w.hook != nil {
			w.hook(w.at)
		}
		if w.at.Offset >= a.size {
			break
		}
	}
	if err := f.Close(); err != nil {
		return hostError(w.rec, err)
	}
	return nil
}

// save records the progress in the directory's progress file.
func (w *fileWriter) save() error {
	data, err := json.Marshal(w.at)
	if err != nil {
		return err
	}
	w.progressLen, err = writeInPlace(w.progress, data, w.progressLen)
	return err
}
