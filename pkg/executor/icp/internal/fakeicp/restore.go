package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// uploadProgressName is the file in which icp keeps an interrupted upload's progress.
const uploadProgressName = ".upload_progress.json"

// status serves `canister status <C> [--json]`, with the module hash as icp prints it: "0x<hex>",
// or null when no module is installed.
func (c *call) status() int {
	if len(c.inv.args) == 0 {
		return fail(c.stderr, "fakeicp: status of every canister in the environment is not simulated", "")
	}
	st, err := c.sim.Status(c.ctx, c.canister())
	if err != nil {
		return failCall(c.stderr, "get status of canister "+c.canister(), err)
	}
	hash, err := c.sim.ModuleHash(c.ctx, c.canister())
	if err != nil {
		return failCall(c.stderr, "get status of canister "+c.canister(), err)
	}
	if c.garbled("status") {
		return 0
	}
	name := strings.ToUpper(string(st[:1])) + string(st[1:])
	var moduleHash any // null
	if h := strings.ToLower(strings.TrimPrefix(hash, "0x")); h != "" {
		moduleHash = "0x" + h
	}
	if !c.inv.has("json") {
		fmt.Fprintf(c.stdout, "Canister Status Report:\n  Id: %s\n  Status: %s\n  Module hash: %v\n", c.canister(), name, moduleHash)
		return 0
	}
	return c.json(map[string]any{
		"id": c.canister(), "name": nil, "status": name,
		"settings":    map[string]any{"controllers": []string{}, "compute_allocation": "0"},
		"module_hash": moduleHash, "memory_size": "0", "cycles": "0", "reserved_cycles": "0",
	})
}

// upload serves `canister snapshot upload <C> --input <DIR>`: --json prints {"snapshot_id":
// "<hex>"} without a newline, --quiet the bare id, otherwise a human line. Like icp, --resume
// needs the progress file of an interrupted upload; the simulator has none to resume.
func (c *call) upload() int {
	dir := c.inv.opts["input"]
	switch {
	case c.inv.has("replace"):
		return fail(c.stderr, "fakeicp: --replace is not simulated", "")
	case c.inv.has("resume"):
		if _, err := os.Stat(filepath.Join(dir, uploadProgressName)); err != nil {
			return fail(c.stderr, "Cannot resume: no upload progress file found in "+dir, "")
		}
		return fail(c.stderr, "fakeicp: resuming an upload is not simulated", "")
	}
	snap, err := c.sim.UploadSnapshot(c.ctx, c.canister(), dir)
	if err != nil {
		return failCall(c.stderr, "upload snapshot to canister "+c.canister(), err)
	}
	switch {
	case c.garbled("upload"):
	case c.inv.has("json"):
		fmt.Fprintf(c.stdout, `{"snapshot_id":%q}`, snap.ID)
	case c.inv.has("quiet"):
		fmt.Fprintln(c.stdout, snap.ID)
	default:
		fmt.Fprintf(c.stdout, "Snapshot %s uploaded successfully\n", snap.ID)
	}
	return 0
}

// restore serves `canister snapshot restore <C> <S>`. icp reads the canister's status first and
// refuses, itself, a canister that is running or still stopping.
func (c *call) restore() int {
	id := c.inv.args[1]
	st, err := c.sim.Status(c.ctx, c.canister())
	if err != nil {
		return failCall(c.stderr, "get status of canister "+c.canister(), err)
	}
	who := fmt.Sprintf("Canister %s (%s)", c.canister(), c.canister())
	switch st {
	case executor.StatusRunning:
		return fail(c.stderr, who+" is currently running. Please stop the canister first with `icp canister stop`.", "")
	case executor.StatusStopping:
		return fail(c.stderr, who+" is still stopping. Please wait for it to fully stop.", "")
	}
	if err := c.sim.LoadSnapshot(c.ctx, c.canister(), id); err != nil {
		return failCall(c.stderr, "load snapshot "+id+" into canister "+c.canister(), err)
	}
	return 0
}
