package sim_test

import (
	"context"
	"fmt"
	"os"

	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// A backup of one canister of the sample fleet: stop, snapshot, start, download.
func Example() {
	state, _ := os.MkdirTemp("", "sim-example-")
	defer os.RemoveAll(state)
	s, err := sim.New(sim.Config{StateDir: state, ArtifactBytes: 4096})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	canister := "gtugj-4yaaa-aaaaa-aaeaq-cai" // user_hub of the sample fleet
	if err := s.Stop(ctx, canister); err != nil {
		fmt.Println(err)
		return
	}
	snap, _ := s.CreateSnapshot(ctx, canister)
	_ = s.Start(ctx, canister)
	out, _ := os.MkdirTemp("", "sim-example-artifact-")
	defer os.RemoveAll(out)
	err = s.DownloadSnapshot(ctx, canister, snap.ID, out, false)
	status, _ := s.Status(ctx, canister)
	fmt.Println(snap.ID, status, err)
	// Output: 000000000000000000000000000001010101 running <nil>
}
