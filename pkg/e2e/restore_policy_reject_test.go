package e2e

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// rejectCase is a restore request the planner process must reject before touching anything.
type rejectCase struct {
	name string
	// damage edits the case's own copy of the backup directory (nil: left intact).
	damage func(t *testing.T, b *policyBackup, dir string)
	// body is the request for backup (nil: restoreBody in place).
	body func(t *testing.T, b *policyBackup, runID, backup string) []byte
	// want are substrings the run's error must contain: what is wrong.
	want []string
	// names, when set, is the canister the error must name.
	names func(b *policyBackup) string
}

// The planner admits a restore before anything is touched: a damaged backup directory, an
// unknown backup, a bad mapping or a malformed request makes the run rejected with the reason,
// with no operation seeded and no management or transfer call made on any canister.
func TestRestorePolicyRejections(t *testing.T) {
	b := newPolicyBackup(t)
	first := historyMark(t, b.f.StateDir)
	for i, tc := range rejectCases() {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t, 30*time.Second)
			runID, backup := "rj-"+string(rune('a'+i)), "bk-copy-"+string(rune('a'+i))
			dir := b.copyBackup(t, backup)
			if tc.damage != nil {
				tc.damage(t, b, dir)
			}
			body := restoreBody(t, runID, backup, nil)
			if tc.body != nil {
				body = tc.body(t, b, runID, backup)
			}
			mark := historyMark(t, b.f.StateDir)
			b.submitRestore(t, ctx, body)
			rec := b.waitRun(t, ctx, runID, "ended", ended)
			if rec.State != runs.Rejected || rec.Kind != runs.KindRestore {
				t.Fatalf("run %s is a %s run %s, want a rejected restore: %s", runID, rec.Kind, rec.State, deref(rec.Error))
			}
			t.Logf("rejected: %s", deref(rec.Error))
			for _, w := range tc.want {
				if !strings.Contains(deref(rec.Error), w) {
					t.Errorf("the rejection %q does not name %q", deref(rec.Error), w)
				}
			}
			if tc.names != nil && !strings.Contains(deref(rec.Error), tc.names(b)) {
				t.Errorf("the rejection %q does not name canister %s", deref(rec.Error), tc.names(b))
			}
			if _, err := b.c.store.Ops.Get(ctx, runstore.OpKey(runID, 0)); !errors.Is(err, runstore.ErrNotFound) {
				t.Errorf("a rejected run has operation records: %v", err)
			}
			checkUntouched(t, b, mark)
		})
	}
	waitDrained(t, testCtx(t, 30*time.Second), b.c, 20*time.Second, "every request to be handled")
	checkUntouched(t, b, first)
}

func rejectCases() []rejectCase {
	return []rejectCase{
		{name: "flipped byte in an artifact", damage: func(t *testing.T, b *policyBackup, dir string) {
			flipByteAt(t, filepath.Join(dir, b.artifactPath(t, dir, b.leaf), "wasm_memory.bin"), 100)
		}, want: []string{"layout-integrity", "artifact checksum", "checksum mismatch"},
			names: func(b *policyBackup) string { return b.leaf }},
		{name: "artifact directory removed", damage: func(t *testing.T, b *policyBackup, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, b.artifactPath(t, dir, b.mid))); err != nil {
				t.Fatal(err)
			}
		}, want: []string{"layout-integrity", "artifact does not exist"},
			names: func(b *policyBackup) string { return b.mid }},
		{name: "edited manifest", damage: editManifestChecksum, want: []string{"layout-integrity", "manifest checksum does not match download journal"},
			names: func(b *policyBackup) string { return b.top }},
		{name: "unknown backup", body: func(t *testing.T, b *policyBackup, runID, _ string) []byte {
			return restoreBody(t, runID, "no-such-backup", nil)
		}, want: []string{"no backup no-such-backup"}},
		{name: "mapping misses a member", body: func(t *testing.T, b *policyBackup, runID, backup string) []byte {
			return restoreBody(t, runID, backup, map[string]any{"mapping": b.mappingOf(b.leaf, nil)})
		}, want: []string{"manifest member missing from mapping"},
			names: func(b *policyBackup) string { return b.leaf }},
		{name: "mapping names a target twice", body: func(t *testing.T, b *policyBackup, runID, backup string) []byte {
			return restoreBody(t, runID, backup, map[string]any{"mapping": b.mappingOf("", map[string]string{b.leaf: b.mid})})
		}, want: []string{"mapping names a target canister twice"},
			names: func(b *policyBackup) string { return b.mid }},
		{name: "unknown field in the request", body: func(t *testing.T, b *policyBackup, runID, backup string) []byte {
			return restoreBody(t, runID, backup, map[string]any{"colour": "blue"})
		}, want: []string{"colour", "unknown field"}},
	}
}

// mappingOf is an in-place mapping of every member in manifest order, without omit, with the
// targets of moved.
func (b *policyBackup) mappingOf(omit string, moved map[string]string) map[string]any {
	members := []map[string]string{}
	for _, src := range b.members {
		if src == omit {
			continue
		}
		tgt := src
		if m, ok := moved[src]; ok {
			tgt = m
		}
		members = append(members, map[string]string{"source_canister": src, "target_canister": tgt})
	}
	return map[string]any{"members": members}
}
