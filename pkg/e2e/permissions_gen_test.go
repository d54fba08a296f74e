package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

// deploy/auth/gen.sh, the shipped generator, writes a generation a secured server runs with
// and each identity connects with; it refuses to replace one unless forced, and prints the
// permission matrix docs/security.md shows.
func TestGenScript(t *testing.T) {
	root, err := workspaceRoot()
	if err != nil {
		t.Skip(err)
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go toolchain to run the generator")
	}
	out := t.TempDir()
	gen := func(args ...string) (string, error) {
		cmd := exec.Command("bash", append([]string{filepath.Join(root, "deploy", "auth", "gen.sh")}, args...)...)
		cmd.Env = append(os.Environ(), "FLEETBACKUP_AUTH_OUT="+out)
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	if msg, err := gen("-hosts", "127.0.0.1", "-server-dir", filepath.Join(out, "nats")); err != nil {
		t.Fatalf("gen.sh: %v\n%s", err, msg)
	}
	files := bus.AuthFiles{Dir: out}
	conf, err := files.WriteSingleServerConf("127.0.0.1", -1, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := bus.StartConfigFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	nc, js, err := bus.Connect(files.Identity(bus.IdentityPlanner).Connect(srv.ClientURL(), "gen-test"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	names, _ := bus.NewNames("")
	if err := bus.Setup(ctx, js, names, bus.SetupConfig{}); err != nil {
		t.Fatalf("the planner setting up with gen.sh's files: %v", err)
	}
	if msg, err := gen(); err == nil || !strings.Contains(msg, "exist already") {
		t.Fatalf("gen.sh over an earlier generation: %v\n%s", err, msg)
	}
	matrix, err := gen("-matrix")
	if err != nil || matrix != names.PermissionMatrix(bus.PolicyConfig{WorkerSetup: true}) {
		t.Fatalf("gen.sh -matrix: %v\n%s", err, matrix)
	}
}
