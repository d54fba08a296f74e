package prune

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/timestamp"
)

// writeBackup writes a completed backup root/<id>/ of a small generated fleet, as the
// finalizer does: one artifact directory per member, then the manifest, created at at.
func writeBackup(t *testing.T, root, id string, at time.Time) {
	t.Helper()
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{2}})
	hash, err := registry.TopologyHash(entries)
	must(t, err)
	p, err := plan.Build(plan.BuildInput{
		PlanID: "plan-" + id, RunID: id, Fleet: "test", Network: "local",
		RootCanisterID: entries[0].Pid, Scope: plan.ScopeNonRootFleet, TopologyHash: hash, Registry: entries,
		Control:      plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlOperatorController}, Evidence: plan.EvidenceProven},
		SnapshotRead: plan.SnapshotReadAuthority{Source: plan.ReadOperatorController, Evidence: plan.EvidenceProven},
		Quiescence:   plan.QuiescenceCrashConsistent, IdentityMode: plan.IdentityRelocatable,
	})
	must(t, err)
	dl := artifact.New(p.RunID, hash)
	dir := filepath.Join(root, id)
	for _, target := range p.Targets {
		sum := checksum.Bytes([]byte(target.CanisterID))
		dl.Artifacts = append(dl.Artifacts, artifact.Entry{CanisterID: target.CanisterID, SnapshotID: "snap",
			State: artifact.StateDurable, ArtifactPath: plan.Seg(target.CanisterID), ChecksumAlgorithm: "sha256",
			Checksum: &sum, UpdatedAt: "unix:1"})
		writeFile(t, filepath.Join(dir, plan.Seg(target.CanisterID), "wasm_memory.bin"), target.CanisterID)
	}
	m, err := manifest.Build(p, dl, timestamp.Marker(at), manifest.ToolMetadata{Name: "fleetbackup", Version: "test"})
	must(t, err)
	must(t, layout.WriteManifest(dir, m))
}

// writeIncomplete writes an incomplete run root/<id>/: one staging directory, no manifest.
func writeIncomplete(t *testing.T, root, id string) {
	t.Helper()
	seg := plan.Seg(fleetgen.Generate(fleetgen.Spec{Levels: []int{1}})[1].Pid)
	writeFile(t, filepath.Join(root, id, seg+".tmp", "wasm_memory.bin"), "partial")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(t, os.WriteFile(path, []byte(content), 0o644))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// present lists which of ids have a directory under root.
func present(t *testing.T, root string, ids ...string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, id := range ids {
		_, err := os.Stat(filepath.Join(root, id))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		out[id] = err == nil
	}
	return out
}

// logLines is a slog handler that keeps every record as one line: level, message, attributes.
type logLines struct {
	mu    *sync.Mutex
	lines *[]string
	attrs []slog.Attr
}

func newLogLines() logLines { return logLines{mu: &sync.Mutex{}, lines: &[]string{}} }

func (l logLines) Enabled(context.Context, slog.Level) bool { return true }
func (l logLines) WithGroup(string) slog.Handler            { return l }
func (l logLines) WithAttrs(as []slog.Attr) slog.Handler {
	return logLines{mu: l.mu, lines: l.lines, attrs: append(append([]slog.Attr{}, l.attrs...), as...)}
}

func (l logLines) Handle(_ context.Context, r slog.Record) error {
	line := r.Level.String() + " " + r.Message
	for _, a := range l.attrs {
		line += " " + a.String()
	}
	r.Attrs(func(a slog.Attr) bool { line += " " + a.String(); return true })
	l.mu.Lock()
	defer l.mu.Unlock()
	*l.lines = append(*l.lines, line)
	return nil
}

// String is every line so far.
func (l logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(*l.lines, "\n")
}
