package bus

import (
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// EmbeddedConfig configures an in-process NATS server with JetStream.
type EmbeddedConfig struct {
	StoreDir string // JetStream store directory (required)
	Host     string // default 127.0.0.1
	Port     int    // 0 picks a random free port; -1 does not listen (in-process connections only)
	// NoSync turns off fsync on every write. Off by default: a backup journal must not forget
	// that a canister was stopped (see docs/architecture.md, durability).
	NoSync bool
}

// StartEmbedded starts a NATS server with JetStream in this process and waits until it is ready.
func StartEmbedded(cfg EmbeddedConfig) (*server.Server, error) {
	if cfg.StoreDir == "" {
		return nil, fmt.Errorf("embedded server: store directory required")
	}
	opts := &server.Options{
		ServerName: "fleetbackup-embedded",
		Host:       cfg.Host,
		Port:       cfg.Port,
		JetStream:  true,
		StoreDir:   cfg.StoreDir,
		SyncAlways: !cfg.NoSync,
		NoSigs:     true,
		NoLog:      true,
	}
	if opts.Host == "" {
		opts.Host = "127.0.0.1"
	}
	switch cfg.Port {
	case 0:
		opts.Port = server.RANDOM_PORT
	case -1:
		opts.DontListen = true
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded server: %w", err)
	}
	go s.Start()
	if !s.ReadyForConnections(30 * time.Second) {
		s.Shutdown()
		return nil, fmt.Errorf("embedded server: not ready after 30s")
	}
	return s, nil
}
