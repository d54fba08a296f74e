package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim/simcheck"
	"github.com/fleetbackup/fleetbackup/pkg/layout/layouttest"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// poison is a message that can never succeed, and the service whose consumer gets it.
type poison struct {
	service, subject string
	body             []byte
}

// Finding 6: poison messages — the internal action contain sent by a client on a control
// subject, control and internal subjects whose run-id token is "*" or invalid, contain for
// runs that do not exist, dispatch messages for a run that does not exist, malformed dispatch
// JSON — are each ended (terminated, or refused and acknowledged) within MaxDeliver: the
// streams and consumers hold nothing within seconds (a message handed back without end would
// stay pending for the 23 minutes of backoff MaxDeliver allows), each one is logged at Warn,
// and a run afterwards completes, unmoved by contain messages sent for it on both subjects.
func TestPoisonMessagesEnd(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{2, 3}), 4096) // root, 2 children, 6 grandchildren
	c := newCluster(t, f, "--sim-artifact-bytes", "4096", "--sim-latency", "stop=20ms,snapshot=30ms,start=20ms,download=100ms")
	c.startAll(1)
	ctx := testCtx(t, 50*time.Second)
	contain := []byte(`{"action":"contain"}`)
	msgs := poisonMessages(c.store.Names, contain)
	perService := map[string]int{}
	for _, m := range msgs {
		if _, err := c.store.JS.Publish(ctx, m.subject, m.body); err != nil {
			t.Fatalf("publishing %s %s: %v", m.subject, m.body, err)
		}
		perService[m.service]++
	}
	t.Logf("published %d poison messages: %v", len(msgs), perService)

	start := time.Now()
	last := waitDrained(t, ctx, c, 20*time.Second, "the poison messages to end")
	t.Logf("every poison message ended within %s (%v)", time.Since(start).Round(time.Millisecond), last)

	// Every one was logged at Warn by the service that ended it.
	for service, n := range perService {
		lines := warnLines(t, c, service)
		if len(lines) < n {
			t.Errorf("%s logged %d Warn lines for %d poison messages: %s", service, len(lines), n, strings.Join(lines, "\n"))
		} else {
			t.Logf("%s logged %d Warn lines, e.g. %s", service, len(lines), lines[0])
		}
	}

	// The services still work: a run completes, unmoved by contain sent for it by a client.
	runAfterPoison(t, ctx, c, f, contain)
}

// poisonMessages lists the poison messages: contain sent by a client on control subjects,
// control and internal subjects whose run-id token is "*" or invalid, contain for runs that do
// not exist, dispatch messages for runs that do not exist, and malformed dispatch JSON.
func poisonMessages(names bus.Names, contain []byte) []poison {
	var msgs []poison
	for i := range 10 {
		msgs = append(msgs,
			poison{"planner", names.ControlSubject(fmt.Sprintf("ghost-%d", i)), contain},
			poison{"snapshotter", names.OpSubject("stop"), fmt.Appendf(nil, `{"run_id":"ghost-%d","sequence":0}`, i)})
	}
	for i := range 5 {
		msgs = append(msgs,
			poison{"planner", names.ControlSubject("*"), []byte(`{"action":"abort"}`)},
			poison{"planner", names.ControlSubject(fmt.Sprintf("-bad%d", i)), []byte(`{"action":"retry"}`)},
			poison{"planner", names.InternalSubject(fmt.Sprintf("ghost-%d", i)), contain},
			poison{"planner", names.InternalSubject("*"), contain},
			poison{"downloader", names.OpSubject("download"), fmt.Appendf(nil, `{"run_id": "ghost-%d", "sequence": `, i)},
			poison{"verifier", names.OpSubject("verify"), fmt.Appendf(nil, `{"run_id":"ghost-%d","sequence":3}`, i)})
	}
	return msgs
}

// runAfterPoison checks that the services still work: a run completes, unmoved by contain
// sent for it by a client on the control subject (refused) and on the internal subject.
func runAfterPoison(t *testing.T, ctx context.Context, c *cluster, f *embeddedtest.Fleet, contain []byte) {
	t.Helper()
	names := c.store.Names
	const runID = "after-poison"
	log := recordRun(t, c, runID)
	if err := client.Submit(ctx, c.store, subtreeRequest(t, runID, f), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := log.until(ctx, "running", func(r runs.Record) bool { return r.State == runs.Running || r.State.Terminal() }); err != nil {
		t.Fatal(err)
	}
	reply, err := submitForReply(ctx, c, names.ControlSubject(runID), contain)
	if err != nil {
		t.Fatal(err)
	}
	if !reply.Refused {
		t.Errorf("contain on the control subject of a running run was answered %+v, want refused", reply)
	}
	if _, err := c.store.JS.Publish(ctx, names.InternalSubject(runID), contain); err != nil {
		t.Fatal(err)
	}
	rec, err := log.until(ctx, "the end", func(r runs.Record) bool { return settledEnd(r) })
	if err != nil {
		c.dumpOps(runID)
		t.Fatalf("%v%s", err, log.describe())
	}
	if rec.State != runs.Completed {
		t.Fatalf("run after the poison ended %s: %s%s", rec.State, deref(rec.Error), log.describe())
	}
	for i, v := range log.all() {
		if v.Containment != nil {
			t.Errorf("version %d of the run has containment %+v: a client's contain moved it%s", i, v.Containment, log.describe())
			break
		}
	}
	p := layouttest.CheckBackupDir(t, *rec.BackupDir)
	simcheck.CheckFleetAfterBackup(t, f.StateDir, p, map[string]int{})
	f.CheckAllRunning(t)
	waitDrained(t, ctx, c, 20*time.Second, "the streams to be empty after the run")
}

// warnLines returns the Warn lines in the logs of every process of a service.
func warnLines(t *testing.T, c *cluster, service string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(c.logs, service+"-*.log"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, name := range files {
		file, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(file)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var line struct {
				Level string `json:"level"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && strings.EqualFold(line.Level, "WARN") {
				out = append(out, sc.Text())
			}
		}
		file.Close()
	}
	return out
}
