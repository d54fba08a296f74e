package bus_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

// secureServer is a real nats-server started in the test from a fresh generation of the
// shipped configuration (bus.GenerateAuth, which deploy/auth/gen.sh runs).
type secureServer struct {
	files bus.AuthFiles
	srv   *server.Server
	url   string
}

func startSecure(t *testing.T, policy bus.PolicyConfig) *secureServer {
	t.Helper()
	dir := t.TempDir()
	files, err := bus.GenerateAuth(bus.AuthConfig{Dir: dir, ServerDir: filepath.Join(dir, "nats"),
		Hosts: []string{"127.0.0.1"}, Policy: policy})
	if err != nil {
		t.Fatal(err)
	}
	conf, err := files.WriteSingleServerConf("127.0.0.1", -1, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := bus.StartConfigFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	return &secureServer{files: files, srv: srv, url: srv.ClientURL()}
}

// refusals receives the permission violations the server reports to one connection.
type refusals chan error

// connect connects as identity over TLS, with its credentials; the connection's permission
// violations arrive on the returned channel.
func (s *secureServer) connect(t *testing.T, identity string) (*nats.Conn, refusals) {
	t.Helper()
	ch := make(refusals, 1024)
	id := s.files.Identity(identity)
	nc, err := nats.Connect(s.url, nats.Name("test-"+identity), nats.UserCredentials(id.Creds),
		nats.RootCAs(id.CA), nats.ClientCert(id.Cert, id.Key),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			if errors.Is(err, nats.ErrPermissionViolation) {
				ch <- err
			}
		}))
	if err != nil {
		t.Fatalf("connecting as %s: %v", identity, err)
	}
	t.Cleanup(nc.Close)
	return nc, ch
}

// sentinel is a subject no identity but admin may publish.
const sentinel = "fleetbackup.sentinel.refused"

// publishAll publishes every subject, then the sentinel, and returns the subjects the server
// refused. The server answers in order and the client reports errors in order, so once the
// sentinel's refusal arrives every earlier one has: no wait on time.
func publishAll(t *testing.T, nc *nats.Conn, ch refusals, subjects []string) map[string]bool {
	t.Helper()
	for _, s := range append(subjects, sentinel) {
		if err := nc.Publish(s, nil); err != nil {
			t.Fatalf("publishing %s: %v", s, err)
		}
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	refused := map[string]bool{}
	for {
		select {
		case err := <-ch:
			subject := refusedSubject(err)
			if subject == sentinel {
				return refused
			}
			refused[subject] = true
		case <-ctx.Done():
			t.Fatalf("the server never refused %s: is the identity allowed everything?", sentinel)
		}
	}
}

// refusedSubject extracts the subject of a publish violation: Permissions Violation for
// Publish to "<subject>".
func refusedSubject(err error) string {
	const marker = `Publish to "`
	msg := err.Error()
	i := strings.Index(msg, marker)
	if i < 0 {
		return ""
	}
	rest := msg[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}

// repoRoot is the directory holding go.work, above the test's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.work above the test's directory")
		}
		dir = parent
	}
}
