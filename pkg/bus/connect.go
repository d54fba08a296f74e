package bus

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ConnectConfig says how to reach a NATS server.
type ConnectConfig struct {
	URL       string // e.g. nats://127.0.0.1:4222
	CredsFile string // optional user credentials file
	Name      string // connection name shown by the server
	// InProcess, when set, connects to this embedded server without TCP.
	InProcess *server.Server
	// TLS: a CA file to verify the server with, and a client certificate and key (all optional;
	// a tls:// URL or any of them turns TLS on).
	TLSCAFile, TLSCertFile, TLSKeyFile string
}

// tlsOptions turns the TLS settings into connection options.
func (c ConnectConfig) tlsOptions() ([]nats.Option, error) {
	var opts []nats.Option
	if c.TLSCAFile != "" {
		opts = append(opts, nats.RootCAs(c.TLSCAFile))
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		return nil, fmt.Errorf("TLS client certificate and key go together")
	}
	if c.TLSCertFile != "" {
		opts = append(opts, nats.ClientCert(c.TLSCertFile, c.TLSKeyFile))
	}
	return opts, nil
}

// Connect opens a connection that reconnects forever, and its JetStream context. A server that
// is not reachable yet is waited for (a service may start before NATS); a server that refuses
// this client for good (its credentials, or a TLS handshake: an untrusted server certificate,
// a client certificate the server does not accept) is an error at once, not a silent retry.
func Connect(cfg ConnectConfig) (*nats.Conn, jetstream.JetStream, error) {
	opts := []nats.Option{
		nats.Name(cfg.Name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
	}
	if cfg.CredsFile != "" {
		opts = append(opts, nats.UserCredentials(cfg.CredsFile))
	}
	tlsOpts, err := cfg.tlsOptions()
	if err != nil {
		return nil, nil, err
	}
	opts = append(opts, tlsOpts...)
	url := cfg.URL
	if cfg.InProcess != nil {
		opts = append(opts, nats.InProcessServer(cfg.InProcess))
		url = ""
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil && !refusedForGood(err) {
		nc, err = nats.Connect(url, append(opts, nats.RetryOnFailedConnect(true))...)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to %s: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return nc, js, nil
}

// refusedForGood reports whether a connection attempt failed in a way that trying again cannot
// mend: the server refused the credentials, the TLS handshake failed, or the server sent a TLS
// alert (crypto/tls reports one as a "remote error", e.g. a client certificate required).
func refusedForGood(err error) bool {
	msg := strings.ToLower(err.Error())
	var op *net.OpError
	return errors.Is(err, nats.ErrTLS) || errors.Is(err, nats.ErrAuthorization) ||
		(errors.As(err, &op) && op.Op == "remote error") ||
		strings.Contains(msg, "authorization violation") || strings.Contains(msg, "authentication expired") ||
		strings.Contains(msg, "authentication revoked")
}
