package icp_test

import (
	"context"
	"fmt"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/icp"
)

// An executor for a fleet on the IC mainnet, acting as the "backup" identity.
func ExampleNew() {
	e, err := icp.New(icp.Config{
		Network:              "ic",
		Identity:             "backup",
		IdentityPasswordFile: "/run/secrets/backup-identity",
		Timeout:              10 * time.Minute,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Runs: icp canister status <id> --json -n ic --identity backup --identity-password-file ...
	status, err := e.Status(context.Background(), "rno2w-sqaaa-aaaaa-aaacq-cai")
	if executor.IsTransient(err) {
		fmt.Println("retry later:", err)
	}
	_ = status
}

// A URL network needs a root key; -n and -e cannot be combined.
func ExampleConfig() {
	_, err := icp.New(icp.Config{Network: "http://127.0.0.1:4943"})
	fmt.Println(err)
	_, err = icp.New(icp.Config{Network: "ic", Environment: "staging"})
	fmt.Println(err)
	// Output:
	// icp config RootKey="": required with network URL http://127.0.0.1:4943 (mainnet, fetch or a hex key)
	// icp config Environment="staging": conflicts with Network ic (-n and -e cannot be combined)
}
