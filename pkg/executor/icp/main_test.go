package icp

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor/icp/icptest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// fakeICP is the fake icp program, built once for the package's tests.
var fakeICP string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fakeicp-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fakeICP, err = icptest.Build(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fleet is a simulated fleet with an icp executor driving it through the fake icp.
type fleet struct {
	t     *testing.T
	state string
	log   string
	sim   *sim.Sim
	exec  *Executor
}

// newFleet opens a sample sim fleet and an executor whose fake icp serves it; extra adds fake
// knobs to the environment and cfg overrides the executor's configuration (Binary and Env are set).
func newFleet(t *testing.T, cfg Config, extra ...string) *fleet {
	t.Helper()
	state := t.TempDir()
	simCfg := sim.Config{StateDir: state, ArtifactBytes: 3 << 20}
	s, err := sim.New(simCfg)
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "fakeicp.log")
	cfg.Binary = fakeICP
	cfg.Env = icptest.Env(simCfg, append([]string{"FAKEICP_LOG=" + log}, extra...)...)
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &fleet{t: t, state: state, log: log, sim: s, exec: e}
}

// member returns the pid of the fleet's i-th registry entry.
func (f *fleet) member(i int) string {
	f.t.Helper()
	var reg struct {
		Ok []struct {
			Pid string `json:"pid"`
		} `json:"Ok"`
	}
	data, err := os.ReadFile(filepath.Join(f.state, "fleet.json"))
	if err == nil {
		err = json.Unmarshal(data, &reg)
	}
	if err != nil || i >= len(reg.Ok) {
		f.t.Fatalf("fleet member %d: %v", i, err)
	}
	return reg.Ok[i].Pid
}

func (f *fleet) inject(fault sim.Fault) {
	f.t.Helper()
	if err := sim.InjectFault(f.state, fault); err != nil {
		f.t.Fatal(err)
	}
}

// invocation is one line of FAKEICP_LOG.
type invocation struct {
	Args       []string `json:"args"`
	Cwd        string   `json:"cwd"`
	DoNotTrack string   `json:"do_not_track"`
	Pid        int      `json:"pid"`
	Pgid       int      `json:"pgid"`
	ICPNetwork string   `json:"icp_network"`
}

func (f *fleet) invocations() []invocation {
	f.t.Helper()
	file, err := os.Open(f.log)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		f.t.Fatal(err)
	}
	defer file.Close()
	var out []invocation
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		var inv invocation
		if err := json.Unmarshal(sc.Bytes(), &inv); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, inv)
	}
	return out
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(within)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}
