package bus_test

import (
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

// A service whose credentials or TLS files the server refuses gets an error from bus.Connect
// at once, naming the cause, instead of retrying in silence forever; a server that is not
// there yet is still waited for.
func TestConnectFailsAtOnceWhenRefused(t *testing.T) {
	s := startSecure(t, bus.PolicyConfig{})
	other := startSecure(t, bus.PolicyConfig{})
	stranger := other.files.Identity(bus.IdentityPlanner)
	cases := []struct {
		name, want string
		change     func(*bus.ConnectConfig)
	}{
		{"another installation's credentials", "authorization violation", func(c *bus.ConnectConfig) { c.CredsFile = stranger.Creds }},
		{"no credentials", "authorization violation", func(c *bus.ConnectConfig) { c.CredsFile = "" }},
		{"another CA", "tls", func(c *bus.ConnectConfig) { c.TLSCAFile = stranger.CA }},
		{"no client certificate", "tls", func(c *bus.ConnectConfig) { c.TLSCertFile, c.TLSKeyFile = "", "" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := s.files.Identity(bus.IdentityPlanner).Connect(s.url, "refused")
			c.change(&cfg)
			nc, _, err := bus.Connect(cfg)
			if err == nil {
				nc.Close()
				t.Fatal("connected")
			}
			if !strings.Contains(strings.ToLower(err.Error()), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	nc, _, err := bus.Connect(s.files.Identity(bus.IdentityPlanner).Connect("tls://"+addr, "waiting"))
	if err != nil {
		t.Fatalf("a server not there yet: %v, want a connection that keeps trying", err)
	}
	defer nc.Close()
	if nc.Status() != nats.RECONNECTING && !errors.Is(nc.LastError(), nats.ErrNoServers) {
		t.Fatalf("status %v, last error %v", nc.Status(), nc.LastError())
	}
}
