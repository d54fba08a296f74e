package bench

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/verifier"
)

// VerifyConfig is one verify-scaling run: verifiers of one core each (one operation at a time,
// one file at a time, as a verifier process given one core runs), started once every artifact
// is downloaded, so that they have the machine to themselves.
type VerifyConfig struct {
	Targets       int   // canisters, one level under the root
	ArtifactBytes int64 // memory of each snapshot (sim ArtifactBytes)
	Verifiers     int   // verifier instances of one core
}

// VerifyRow is the verify throughput of Verifiers one-core verifiers next to crypto/sha256 on
// one goroutine over as many bytes in memory.
type VerifyRow struct {
	Verifiers  int     `json:"verifiers"`
	Targets    int     `json:"targets"`
	TotalBytes int64   `json:"total_bytes"`
	VerifyMBps float64 `json:"verify_mb_per_s"`
	// SHA256MBps1 is crypto/sha256 over the same bytes on one goroutine, measured after the
	// stack is gone.
	SHA256MBps1 float64 `json:"sha256_mb_per_s_1"`
}

// VerifyScaling backs up cfg.Targets canisters with artifacts of cfg.ArtifactBytes, zero
// latency, holds the verifiers until every verify is queued (every download done), then starts
// cfg.Verifiers of them and measures how fast they verify.
func VerifyScaling(ctx context.Context, cfg VerifyConfig) (VerifyRow, error) {
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{cfg.Targets}, Roles: []string{"store"}})
	name := verifier.Stage.Name
	in, err := install(ctx, installConfig{entries: entries, artifactBytes: cfg.ArtifactBytes,
		instances: map[string]int{"downloader": 2, name: max(cfg.Verifiers, 1)},
		slots:     map[string]int{name: 1}, hashWorkers: 1, held: map[string]bool{name: true}})
	if err != nil {
		return VerifyRow{}, err
	}
	row, err := in.verifyScaling(ctx, cfg)
	in.Close()
	if err != nil {
		return VerifyRow{}, err
	}
	row.SHA256MBps1 = sha256MBps(row.TotalBytes, 1)
	return row, nil
}

func (in *installation) verifyScaling(ctx context.Context, cfg VerifyConfig) (VerifyRow, error) {
	runID := fmt.Sprintf("bench-verify-%d", cfg.Verifiers)
	name := verifier.Stage.Name
	body, err := in.runRequest(runID, map[string]any{"scope": "non-root-fleet"})
	if err != nil {
		return VerifyRow{}, err
	}
	_, _, err = in.await(ctx, runID, func(ctx context.Context) error {
		if err := client.Submit(ctx, in.stack.Store, body, ""); err != nil {
			return err
		}
		if err := in.stack.AwaitQueued(ctx, name, cfg.Targets); err != nil {
			return err
		}
		return in.stack.Release(name)
	})
	if err != nil {
		return VerifyRow{}, err
	}
	spans, err := in.opSpans(ctx, runID, plan.KindVerifyArtifact)
	if err != nil {
		return VerifyRow{}, err
	}
	total, err := artifactBytes(filepath.Join(in.backups, runID))
	if err != nil {
		return VerifyRow{}, err
	}
	return VerifyRow{Verifiers: cfg.Verifiers, Targets: cfg.Targets, TotalBytes: total,
		VerifyMBps: mbps(total, busy(spans[plan.KindVerifyArtifact]))}, nil
}
