package bus

import (
	"fmt"
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

// Connect opens a connection that reconnects forever, and its JetStream context.
func Connect(cfg ConnectConfig) (*nats.Conn, jetstream.JetStream, error) {
	opts := []nats.Option{
		nats.Name(cfg.Name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.RetryOnFailedConnect(true),
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
