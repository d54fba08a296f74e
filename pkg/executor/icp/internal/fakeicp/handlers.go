package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/candid"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// garbage is what a command prints instead of its output when FAKEICP_GARBAGE names its kind.
const garbage = "\x00\x01 not json {{{ garbage\n"

// dispatch runs a parsed command against the simulated fleet.
func dispatch(ctx context.Context, inv *invocation, stdout, stderr io.Writer) int {
	s, err := openSim()
	if err != nil {
		return fail(stderr, "fakeicp: opening the simulated fleet", err.Error())
	}
	c := &call{ctx: ctx, inv: inv, sim: s, stdout: stdout, stderr: stderr}
	switch inv.spec.path {
	case "canister status":
		return c.status()
	case "canister stop":
		return c.simple("stop canister", s.Stop)
	case "canister start":
		return c.simple("start canister", s.Start)
	case "canister call":
		return c.call()
	case "canister snapshot create":
		return c.create()
	case "canister snapshot list":
		return c.list()
	case "canister snapshot download":
		return c.download()
	case "canister snapshot upload":
		return c.upload()
	case "canister snapshot restore":
		return c.restore()
	case "canister snapshot delete":
		return c.simple("delete snapshot "+inv.args[1]+" of canister", func(ctx context.Context, canister string) error {
			return s.DeleteSnapshot(ctx, canister, inv.args[1])
		})
	}
	return fail(stderr, "fakeicp: `icp "+inv.spec.path+"` is not simulated", "")
}

// envInt reads an optional integer environment variable (0 when unset).
func envInt(name string) (int64, error) {
	v := os.Getenv(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %v", name, err)
	}
	return n, nil
}

func openSim() (*sim.Sim, error) {
	cfg := sim.Config{StateDir: os.Getenv("FAKEICP_SIM_STATE"), FleetFile: os.Getenv("FAKEICP_SIM_FLEET")}
	if cfg.StateDir == "" {
		return nil, fmt.Errorf("FAKEICP_SIM_STATE is not set")
	}
	var err error
	if cfg.ArtifactBytes, err = envInt("FAKEICP_SIM_ARTIFACT_BYTES"); err != nil {
		return nil, err
	}
	maxSnapshots, err := envInt("FAKEICP_SIM_MAX_SNAPSHOTS")
	if err != nil {
		return nil, err
	}
	cfg.MaxSnapshots = int(maxSnapshots)
	latency, err := sim.ParseLatency(os.Getenv("FAKEICP_SIM_LATENCY"))
	if err != nil {
		return nil, err
	}
	cfg.Latency = latency
	return sim.New(cfg)
}

// call is one command being served.
type call struct {
	ctx    context.Context
	inv    *invocation
	sim    *sim.Sim
	stdout io.Writer
	stderr io.Writer
}

func (c *call) canister() string { return c.inv.args[0] }

// garbled reports whether FAKEICP_GARBAGE names kind, and prints the garbage if so.
func (c *call) garbled(kind string) bool {
	if !slices.Contains(strings.Split(os.Getenv("FAKEICP_GARBAGE"), ","), kind) {
		return false
	}
	fmt.Fprint(c.stdout, garbage)
	return true
}

func (c *call) json(v any) int {
	data, err := json.Marshal(v)
	if err != nil {
		return fail(c.stderr, "fakeicp: encoding output", err.Error())
	}
	fmt.Fprintf(c.stdout, "%s\n", data)
	return 0
}

func (c *call) simple(what string, op func(context.Context, string) error) int {
	if err := op(c.ctx, c.canister()); err != nil {
		return failCall(c.stderr, what+" "+c.canister(), err)
	}
	return 0
}

func (c *call) list() int {
	snaps, err := c.sim.ListSnapshots(c.ctx, c.canister())
	if err != nil {
		return failCall(c.stderr, "list snapshots of canister "+c.canister(), err)
	}
	if c.garbled("list") {
		return 0
	}
	if snaps == nil {
		snaps = []executor.Snapshot{}
	}
	if !c.inv.has("json") {
		for _, s := range snaps {
			fmt.Fprintf(c.stdout, "%s %d bytes\n", s.ID, s.TotalSizeBytes)
		}
		return 0
	}
	return c.json(map[string]any{"snapshots": snaps})
}

func (c *call) download() int {
	dir := c.inv.opts["output"]
	err := c.sim.DownloadSnapshot(c.ctx, c.canister(), c.inv.args[1], dir, c.inv.has("resume"))
	if err != nil {
		return failCall(c.stderr, "download snapshot "+c.inv.args[1]+" of canister "+c.canister(), err)
	}
	fmt.Fprintf(c.stdout, "Snapshot %s downloaded to %s\n", c.inv.args[1], dir)
	return 0
}

// call serves `canister call <root> canic_subnet_registry ()`: the --json envelope around the
// Candid reply.
func (c *call) call() int {
	method, args := argAt(c.inv.args, 1), argAt(c.inv.args, 2)
	if method != "canic_subnet_registry" {
		return fail(c.stderr, fmt.Sprintf("fakeicp: method '%s' is not simulated", method), "")
	}
	if strings.ReplaceAll(args, " ", "") != "()" {
		return fail(c.stderr, "failed to parse candid arguments", fmt.Sprintf("expected '()', got '%s'", args))
	}
	reply, code := c.registryReply()
	if code != 0 {
		return code
	}
	if c.garbled("registry") {
		return 0
	}
	if c.garbled("registry-candid") {
		reply = []byte("DIDL\x01garbage")
	}
	if !c.inv.has("json") {
		fmt.Fprintln(c.stdout, hex.EncodeToString(reply))
		return 0
	}
	return c.json(map[string]any{"response_bytes": hex.EncodeToString(reply), "response_text": nil, "response_candid": nil})
}

func (c *call) registryReply() ([]byte, int) {
	if spec := os.Getenv("FAKEICP_REGISTRY_ERR"); spec != "" {
		code, message, _ := strings.Cut(spec, ":")
		reply, err := candid.EncodeRegistryError(code, message)
		if err != nil {
			return nil, fail(c.stderr, "fakeicp: FAKEICP_REGISTRY_ERR", err.Error())
		}
		return reply, 0
	}
	registry, err := c.sim.Registry(c.ctx, c.canister())
	if err != nil {
		return nil, failCall(c.stderr, "call canic_subnet_registry on canister "+c.canister(), err)
	}
	reply, err := candid.EncodeRegistryReply(registry)
	if err != nil {
		return nil, fail(c.stderr, "fakeicp: encoding the registry as Candid", err.Error())
	}
	return reply, 0
}

func argAt(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}
