package bus_test

import (
	"bufio"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

// The secured server speaks TLS only: a client that sends its CONNECT in plain text gets no
// answer but a closed connection.
func TestSecuredServerRefusesPlainConnections(t *testing.T) {
	s := startSecure(t, bus.PolicyConfig{WorkerSetup: true})
	u, err := url.Parse(s.url)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A deadline bounds a broken server; the test waits for the server's answer, not on time.
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	info, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.Contains(info, `"tls_required":true`) {
		t.Fatalf("server greeting %q (%v): want tls_required", info, err)
	}
	if _, err := conn.Write([]byte("CONNECT {\"verbose\":false}\r\nPUB fleetbackup.runs.request 2\r\n{}\r\nPING\r\n")); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the server kept a plain-text connection open")
	}
	if strings.Contains(string(rest), "PONG") || strings.Contains(string(rest), "+OK") {
		t.Fatalf("the server answered a plain-text client: %q", rest)
	}
}

// Over TLS, a client needs the installation's CA to trust the server, a client certificate
// signed by that CA, and credentials: without any one of them it is refused. An anonymous
// client (TLS right, no credentials) can neither publish a request nor read run state,
// because it never gets a connection.
func TestSecuredServerRefusesIncompleteClients(t *testing.T) {
	s := startSecure(t, bus.PolicyConfig{WorkerSetup: true})
	other := startSecure(t, bus.PolicyConfig{WorkerSetup: true}) // another CA, other credentials
	op, stranger := s.files.Identity(bus.IdentityOperator), other.files.Identity(bus.IdentityOperator)
	cases := []struct {
		name, want string // want: a piece of the refusal
		opts       []nats.Option
	}{
		{"no TLS settings", "certificate signed by unknown authority", []nats.Option{nats.UserCredentials(op.Creds)}},
		// A TLS alert, or the connection closed after the handshake, as the timing goes.
		{"no client certificate", "tls", []nats.Option{nats.UserCredentials(op.Creds), nats.RootCAs(op.CA)}},
		{"another CA's client certificate", "tls", []nats.Option{nats.UserCredentials(op.Creds), nats.RootCAs(op.CA),
			nats.ClientCert(stranger.Cert, stranger.Key)}},
		{"anonymous", "authorization violation", []nats.Option{nats.RootCAs(op.CA), nats.ClientCert(op.Cert, op.Key)}},
		{"another installation's user", "authorization violation", []nats.Option{nats.UserCredentials(stranger.Creds),
			nats.RootCAs(op.CA), nats.ClientCert(op.Cert, op.Key)}},
		{"trusting another CA", "certificate signed by unknown authority", []nats.Option{nats.UserCredentials(op.Creds),
			nats.RootCAs(stranger.CA), nats.ClientCert(op.Cert, op.Key)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			nc, err := nats.Connect(s.url, append(c.opts, nats.Timeout(5*time.Second))...)
			if err == nil {
				nc.Close()
				t.Fatal("connected")
			}
			if !strings.Contains(strings.ToLower(err.Error()), c.want) {
				t.Fatalf("refused with %v, want %q", err, c.want)
			}
		})
	}
	nc, err := nats.Connect(s.url, nats.UserCredentials(op.Creds), nats.RootCAs(op.CA), nats.ClientCert(op.Cert, op.Key))
	if err != nil {
		t.Fatalf("the operator with its files: %v", err)
	}
	defer nc.Close()
	if st, err := nc.TLSConnectionState(); err != nil || !st.HandshakeComplete {
		t.Fatalf("not a TLS connection: %v", err)
	}
}
