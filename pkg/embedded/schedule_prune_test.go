package embedded_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// logLines is a slog handler that keeps the lines whose message contains want.
type logLines struct {
	want  string
	mu    *sync.Mutex
	lines *[]string
}

func (l logLines) Enabled(context.Context, slog.Level) bool { return true }
func (l logLines) WithAttrs([]slog.Attr) slog.Handler       { return l } // the prune logs its own attributes
func (l logLines) WithGroup(string) slog.Handler            { return l }
func (l logLines) Handle(_ context.Context, r slog.Record) error {
	if !strings.Contains(r.Message, l.want) {
		return nil
	}
	line := r.Message
	r.Attrs(func(a slog.Attr) bool { line += " " + a.String(); return true })
	l.mu.Lock()
	defer l.mu.Unlock()
	*l.lines = append(*l.lines, line)
	return nil
}

func (l logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(*l.lines, "\n")
}

// A schedule with keep-last 2 fires runs on the embedded server. At each firing the planner
// prunes the schedule's own backups, the new run counting as the newest: once the runs have
// completed, only the schedule's newest two backup directories remain, and each removal was
// logged. Two manual backups in the same backup root, older than all of them, are untouched:
// one whose id begins with the schedule's name, one whose id has the shape of another
// schedule's run.
func TestSchedulePruneKeepsItsNewestTwo(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetgen.Generate(fleetgen.Spec{Levels: []int{2, 2}}), 1024)
	logs := logLines{want: "scheduled prune", mu: &sync.Mutex{}, lines: &[]string{}}
	st := embeddedtest.Start(t, f, embedded.Config{Env: fastRetries, Log: slog.New(logs)})
	manual := []string{"keep-manual", "other-20200101T000000Z"}
	for _, id := range manual {
		mustComplete(t, st.RunToEnd(t, id, subtreeRequest(t, id, f, "parallel")))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	d := scheduled(t, f, "keep")
	d.Prune = "keep-last=2"
	if err := bus.PublishSchedule(ctx, st.Store.JS, st.Names, d, false); err != nil {
		t.Fatal(err)
	}
	completed := func(r runs.Record) bool { return r.State == runs.Completed }
	waitRuns(ctx, t, st, "keep", func(rs map[string]runs.Record) bool { return count(rs, completed) >= 4 })
	if err := bus.DeleteSchedule(ctx, st.Store.JS, st.Names, "keep"); err != nil {
		t.Fatal(err)
	}
	waitConsumerIdle(t, st) // every firing handled: each run it opened exists
	settled := waitRuns(ctx, t, st, "keep", func(rs map[string]runs.Record) bool {
		return count(rs, func(r runs.Record) bool { return r.State.Terminal() }) == len(rs)
	})
	ids := make([]string, 0, len(settled))
	for id, r := range settled {
		mustComplete(t, r)
		ids = append(ids, id)
	}
	slices.Sort(ids) // <name>-<UTC time>: oldest first
	newest := ids[len(ids)-2:]
	for _, id := range ids {
		_, err := os.Stat(filepath.Join(st.BackupRoot, id))
		if kept := slices.Contains(newest, id); kept != (err == nil) {
			t.Errorf("backup %s: present %v, want %v (runs %v)", id, err == nil, kept, ids)
		}
		if !slices.Contains(newest, id) && !strings.Contains(logs.String(), "scheduled prune removed a backup backup="+id) {
			t.Errorf("the removal of %s was not logged:\n%s", id, logs)
		}
	}
	for _, id := range append(manual, newest...) {
		if members := embeddedtest.Members(t, filepath.Join(st.BackupRoot, id)); len(members) == 0 {
			t.Errorf("backup %s has no members", id)
		}
	}
	if t.Failed() {
		t.Logf("backup root: %v", dirNames(t, st.BackupRoot))
	}
}
