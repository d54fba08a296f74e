package bench

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/downloader"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// DataPathConfig is one data-path run.
type DataPathConfig struct {
	Targets       int   // canisters, one level under the root
	ArtifactBytes int64 // memory of each snapshot (sim ArtifactBytes)
	Instances     int   // downloader instances and verifier instances (each)
}

// DataPathRow is the throughput of downloads and verifies of large artifacts, next to
// crypto/sha256 over as many bytes in memory.
type DataPathRow struct {
	Instances int `json:"instances"`
	// Slots is the downloads (and verifies) that may run at once: instances times the stage's
	// concurrency.
	Slots      int   `json:"slots"`
	Targets    int   `json:"targets"`
	TotalBytes int64 `json:"total_bytes"`
	// DownloadMBps and VerifyMBps are the bytes over the time at least one operation of that
	// kind was claimed and not yet complete (server times of its record's revisions).
	DownloadMBps float64 `json:"download_mb_per_s"`
	VerifyMBps   float64 `json:"verify_mb_per_s"`
	// EndToEndMBps is the bytes over the time from the first download's claim to the last
	// verify's completion.
	EndToEndMBps float64 `json:"end_to_end_mb_per_s"`
	// SHA256MBps1 and SHA256MBps2 are crypto/sha256 over the same bytes in memory, on one and
	// on two goroutines.
	SHA256MBps1 float64 `json:"sha256_mb_per_s_1"`
	SHA256MBps2 float64 `json:"sha256_mb_per_s_2"`
	RunSeconds  float64 `json:"run_seconds"`
}

// DataPath backs up cfg.Targets canisters with artifacts of cfg.ArtifactBytes, zero latency,
// and cfg.Instances downloaders and verifiers, and measures each kind's throughput.
func DataPath(ctx context.Context, cfg DataPathConfig) (DataPathRow, error) {
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{cfg.Targets}, Roles: []string{"store"}})
	inst := max(cfg.Instances, 1)
	in, err := install(ctx, installConfig{entries: entries, artifactBytes: cfg.ArtifactBytes,
		instances: map[string]int{"downloader": inst, "verifier": inst}})
	if err != nil {
		return DataPathRow{}, err
	}
	row, err := in.dataPath(ctx, cfg)
	in.Close()
	if err != nil {
		return DataPathRow{}, err
	}
	// After the stack is gone, so that the baseline has the machine to itself.
	row.SHA256MBps1, row.SHA256MBps2 = sha256MBps(row.TotalBytes, 1), sha256MBps(row.TotalBytes, 2)
	return row, nil
}

// dataPath runs the backup and reads the spans of its downloads and verifies.
func (in *installation) dataPath(ctx context.Context, cfg DataPathConfig) (DataPathRow, error) {
	inst := max(cfg.Instances, 1)
	runID := fmt.Sprintf("bench-data-path-%d", inst)
	_, elapsed, err := in.backup(ctx, runID, map[string]any{"scope": "non-root-fleet"})
	if err != nil {
		return DataPathRow{}, err
	}
	spans, err := in.opSpans(ctx, runID, plan.KindDownloadSnapshot, plan.KindVerifyArtifact)
	if err != nil {
		return DataPathRow{}, err
	}
	total, err := artifactBytes(filepath.Join(in.backups, runID))
	if err != nil {
		return DataPathRow{}, err
	}
	dl, vf := spans[plan.KindDownloadSnapshot], spans[plan.KindVerifyArtifact]
	endToEnd := spanEnd(vf).Sub(spanStart(dl))
	return DataPathRow{Instances: inst, Slots: inst * downloader.Stage.Concurrency, Targets: cfg.Targets,
		TotalBytes: total, DownloadMBps: mbps(total, busy(dl)), VerifyMBps: mbps(total, busy(vf)),
		EndToEndMBps: mbps(total, endToEnd), RunSeconds: elapsed.Seconds()}, nil
}

// artifactBytes sums the files of a backup directory's artifact directories (every file below
// a subdirectory; the documents at the top are left out).
func artifactBytes(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil || !strings.ContainsRune(rel, filepath.Separator) {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		return nil
	})
	if err == nil && total == 0 {
		err = fmt.Errorf("no artifact files in %s", dir)
	}
	return total, err
}

func mbps(bytes int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(bytes) / 1e6 / d.Seconds()
}
