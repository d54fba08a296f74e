package sim

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// compareBuf is the size of the buffers an upload compares files with.
const compareBuf = 64 << 10

// UploadSnapshot creates a new snapshot of a canister from an artifact directory as
// DownloadSnapshot writes it, the counterpart of `icp canister snapshot upload`. The directory
// must be one the simulator could have written: its metadata.json names a content, and every
// file it lists holds exactly the bytes that content produces; anything else is refused with a
// permanent ErrArtifactMismatch (an *ArtifactError says which file). Files the artifact does not
// list (an upload's own lock or progress files) are ignored, as icp ignores them. The canister
// may be running; it must have room for one more snapshot (MaxSnapshots, as CreateSnapshot).
func (s *Sim) UploadSnapshot(ctx context.Context, canister, dir string) (executor.Snapshot, error) {
	rec := &record{call: KindUpload, canister: canister}
	var snap executor.Snapshot
	err := s.run(ctx, rec, func() error {
		if err := s.known(rec); err != nil {
			return err
		}
		if err := s.pause(ctx, rec, KindUpload); err != nil {
			return err
		}
		c, err := readArtifact(ctx, rec, dir)
		if err != nil {
			return err
		}
		return s.mutate(rec, true, func(st *canisterState, now time.Time) error {
			if err := s.roomForSnapshot(rec, st); err != nil {
				return err
			}
			snap = addSnapshot(rec, st, s.member(canister), now, c)
			return nil
		})
	})
	return snap, err
}

// readArtifact reads the content an artifact directory claims and checks every file against it.
func readArtifact(ctx context.Context, rec *record, dir string) (content, error) {
	if info, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return content{}, permanent(rec, err, "input directory %s does not exist", dir)
		}
		return content{}, hostError(rec, err)
	} else if !info.IsDir() {
		return content{}, mismatch(rec, dir, ".", "not a directory")
	}
	c, raw, err := readMetadata(rec, dir)
	if err != nil {
		return content{}, err
	}
	files, err := artifactLayout(c)
	if err != nil {
		return content{}, hostError(rec, err)
	}
	if !bytes.Equal(raw, files[0].data) {
		return content{}, mismatch(rec, dir, files[0].name, "differs from the metadata its content produces")
	}
	for i := 1; i < len(files); i++ {
		if err := ctx.Err(); err != nil {
			return content{}, interrupted(rec, err)
		}
		if err := compareFile(rec, dir, &files[i]); err != nil {
			return content{}, err
		}
	}
	return c, nil
}

// readMetadata decodes metadata.json strictly and returns the content it names, with its bytes.
func readMetadata(rec *record, dir string) (content, []byte, error) {
	const name = "metadata.json"
	f, err := os.Open(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return content{}, nil, mismatch(rec, dir, name, "missing")
	}
	if err != nil {
		return content{}, nil, hostError(rec, err)
	}
	defer f.Close()
	raw, err := document.ReadAllLimited(f)
	if errors.Is(err, document.ErrTooLarge) {
		return content{}, nil, mismatch(rec, dir, name, "too large")
	}
	if err != nil {
		return content{}, nil, hostError(rec, err)
	}
	var meta metadata
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&meta); err != nil {
		return content{}, nil, mismatch(rec, dir, name, "not simulator metadata: "+err.Error())
	}
	if reason := checkMetadata(&meta); reason != "" {
		return content{}, nil, mismatch(rec, dir, name, reason)
	}
	return content{ID: meta.ContentID, Bytes: int64(meta.TotalSizeBytes), Module: meta.ModuleHash}, raw, nil
}

// checkMetadata says what makes metadata unusable as a content claim, or "".
func checkMetadata(m *metadata) string {
	switch {
	case len(m.ContentID) != 64 || !lowerHex(m.ContentID):
		return "content_id is not 64 lower-case hex digits"
	case !lowerHex(m.ModuleHash):
		return "module_hash is not lower-case hex"
	case m.TotalSizeBytes < minArtifactBytes || m.TotalSizeBytes > maxContentBytes:
		return fmt.Sprintf("total_size_bytes %d is out of range", m.TotalSizeBytes)
	}
	return ""
}

// lowerHex reports whether s is bytes in lower-case hex ("" included).
func lowerHex(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && hex.EncodeToString(b) == s
}

// compareFile checks that dir holds a's exact bytes, streaming both through small buffers.
func compareFile(rec *record, dir string, a *artifactFile) error {
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(a.name)))
	if errors.Is(err, fs.ErrNotExist) {
		return mismatch(rec, dir, a.name, "missing")
	}
	if err != nil {
		return hostError(rec, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return hostError(rec, err)
	}
	if !info.Mode().IsRegular() || info.Size() != a.size {
		return mismatch(rec, dir, a.name, fmt.Sprintf("holds %d bytes, want %d", info.Size(), a.size))
	}
	want, got := make([]byte, min(a.size, compareBuf)), make([]byte, min(a.size, compareBuf))
	for off := int64(0); off < a.size; {
		n := min(int64(len(want)), a.size-off)
		a.read(want[:n], off)
		if _, err := io.ReadFull(f, got[:n]); err != nil {
			return hostError(rec, err)
		}
		if !bytes.Equal(want[:n], got[:n]) {
			return mismatch(rec, dir, a.name, "bytes differ from those its content produces")
		}
		off += n
	}
	return nil
}

// mismatch is the permanent refusal of an artifact directory, naming the file at fault.
func mismatch(rec *record, dir, file, reason string) error {
	return permanent(rec, &ArtifactError{Dir: dir, File: file, Reason: reason},
		"artifact %s does not match: %s %s", dir, file, reason)
}
