package bus_test

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

// A route (server to server, trusted with every account's messages) needs a certificate of
// the routes' own CA: the generated route certificate opens one, an identity's client
// certificate, signed by the clients' CA, does not.
func TestSecuredRoutesNeedTheRouteCA(t *testing.T) {
	dir := t.TempDir()
	files, err := bus.GenerateAuth(bus.AuthConfig{Dir: dir, ServerDir: filepath.Join(dir, "nats"), Hosts: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "clustered.conf")
	body := fmt.Sprintf("host: 127.0.0.1\nport: -1\nserver_name: n1\n"+
		"cluster {\n  name: t\n  host: 127.0.0.1\n  port: -1\n  include \"nats/%s\"\n}\ninclude \"nats/%s\"\n",
		bus.ClusterTLSConfFile, bus.AuthConfFile)
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, err := bus.StartConfigFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	addr := srv.ClusterAddr().String()
	sd := files.ServerDir()
	if line, err := routeGreeting(t, addr, filepath.Join(sd, "route-ca.pem"), filepath.Join(sd, "route-cert.pem"),
		filepath.Join(sd, "route-key.pem")); err != nil || !strings.HasPrefix(line, "INFO ") {
		t.Fatalf("a route with the route certificate: %q, %v", line, err)
	}
	op := files.Identity(bus.IdentityOperator)
	if line, err := routeGreeting(t, addr, filepath.Join(sd, "route-ca.pem"), op.Cert, op.Key); err == nil {
		t.Fatalf("a client certificate opened a route: %q", line)
	} else if !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("a client certificate on the route port: %v, want a certificate refusal", err)
	}
}

// routeGreeting opens a TLS connection to a route port with a certificate and returns the
// server's first line (its INFO), or the error that ended the connection.
func routeGreeting(t *testing.T, addr, caFile, certFile, keyFile string) (string, error) {
	t.Helper()
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}, ServerName: "127.0.0.1"})
	if err != nil {
		return "", err
	}
	defer conn.Close()
	// A deadline bounds a broken server; the test waits for the server's answer, not on time.
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	return bufio.NewReader(conn).ReadString('\n')
}
