package cli

import (
	"context"
	"fmt"
	"runtime"

	"github.com/fleetbackup/fleetbackup/pkg/svc"
)

func versionCommand() *command {
	return &command{
		Name:    "version",
		Summary: "print the version of fleetbackup",
		About: `Version prints the build's version (set at link time with
-ldflags "-X github.com/fleetbackup/fleetbackup/pkg/svc.Version=v1.2.3", shared with the services),
the Go version and the platform.`,
		Example: `fleetbackup version --json`,
		Run:     runVersion,
	}
}

func runVersion(_ context.Context, inv *invocation) error {
	asJSON := inv.fs.Bool("json", false, "print the version as JSON")
	if _, err := inv.parse(0, 0); err != nil {
		return err
	}
	v := struct {
		Version string `json:"version"`
		Go      string `json:"go"`
		OS      string `json:"os"`
		Arch    string `json:"arch"`
	}{svc.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH}
	if *asJSON {
		return writeJSON(inv.Stdout, v)
	}
	_, err := fmt.Fprintf(inv.Stdout, "fleetbackup %s (%s %s/%s)\n", v.Version, v.Go, v.OS, v.Arch)
	return err
}
