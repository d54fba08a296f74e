package bus_test

import (
	"crypto/tls"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

// The compose cluster's configuration (deploy/auth/nats-secure.conf) loads with a generation
// mounted as compose.secure.yaml mounts it, and requires what docs/security.md says: client
// TLS with verified client certificates, route TLS, operator mode with the system account,
// fsync on every write, no monitoring port.
func TestSecureClusterConfigurationLoads(t *testing.T) {
	root := repoRoot(t)
	dir := t.TempDir()
	secure := filepath.Join(dir, "secure")
	gen := filepath.Join(dir, "gen")
	if _, err := bus.GenerateAuth(bus.AuthConfig{Dir: gen, ServerDir: filepath.Join(secure, "auth")}); err != nil {
		t.Fatal(err)
	}
	conf, err := os.ReadFile(filepath.Join(root, "deploy", "auth", "nats-secure.conf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(secure, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(gen, "nats"), filepath.Join(secure, "auth")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(secure, "nats.conf"), conf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NATS_SERVER_NAME", "nats-2")
	opts, err := server.ProcessConfigFile(filepath.Join(secure, "nats.conf"))
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]bool{
		"server name from the environment":  opts.ServerName == "nats-2",
		"client TLS, certificates required": verified(opts.TLSConfig),
		"route TLS, certificates required":  verified(opts.Cluster.TLSConfig) && len(opts.Routes) == 3,
		"routes trust their own CA":         opts.Cluster.TLSConfig != nil && opts.TLSConfig != nil && !opts.Cluster.TLSConfig.ClientCAs.Equal(opts.TLSConfig.ClientCAs),
		"operator mode":                     len(opts.TrustedOperators) == 1 && opts.SystemAccount != "",
		"no anonymous user":                 opts.NoAuthUser == "" && len(opts.Users) == 0 && len(opts.Nkeys) == 0,
		"JetStream, fsync on every write":   opts.JetStream && opts.SyncAlways,
		"no monitoring port":                opts.HTTPPort == 0 && opts.HTTPSPort == 0,
		"room for permissions in CONNECT":   opts.MaxControlLine >= 8192,
	}
	for what, ok := range checks {
		if !ok {
			t.Errorf("deploy/auth/nats-secure.conf: %s is not as documented", what)
		}
	}
}

func verified(c *tls.Config) bool {
	return c != nil && c.ClientAuth == tls.RequireAndVerifyClientCert && len(c.Certificates) == 1
}

// A generation writes secrets readable by their owner only, never an operator's or an
// account's seed or a CA's key (no file can mint an identity), and refuses to overwrite an
// earlier generation unless forced.
func TestGenerationKeepsNoSigningKeys(t *testing.T) {
	dir := t.TempDir()
	cfg := bus.AuthConfig{Dir: dir}
	if _, err := bus.GenerateAuth(cfg); err != nil {
		t.Fatal(err)
	}
	seed := regexp.MustCompile(`\bS[A-Z][A-Z2-7]{56}\b`)
	var keys, creds int
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		secret := strings.HasSuffix(path, "key.pem") || strings.HasSuffix(path, ".creds")
		if secret != (info.Mode().Perm() == 0o600) {
			t.Errorf("%s has mode %v", path, info.Mode().Perm())
		}
		for _, s := range seed.FindAllString(string(data), -1) {
			if !strings.HasPrefix(s, "SU") || !strings.HasSuffix(path, ".creds") {
				t.Errorf("%s holds a seed that is not its user's: %.2s…", path, s)
			}
			creds++
		}
		if strings.Contains(string(data), "PRIVATE KEY") {
			if !strings.HasSuffix(path, "key.pem") {
				t.Errorf("%s holds a private key", path)
			}
			keys++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := len(bus.AccountIdentities()) + 1
	if creds != ids || keys != ids+2 { // every identity's; the server's and the routes'
		t.Fatalf("%d user seeds and %d private keys, want %d and %d", creds, keys, ids, ids+2)
	}
	if _, err := bus.GenerateAuth(cfg); !errors.Is(err, bus.ErrAuthExists) {
		t.Fatalf("a second generation: %v, want ErrAuthExists", err)
	}
	cfg.Force = true
	if _, err := bus.GenerateAuth(cfg); err != nil {
		t.Fatalf("a forced generation: %v", err)
	}
}

// docs/security.md shows the permission matrix the generator grants (regenerate it with
// deploy/auth/gen.sh -matrix).
func TestSecurityDocShowsTheMatrix(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "security.md"))
	if err != nil {
		t.Fatal(err)
	}
	names, _ := bus.NewNames("")
	if m := names.PermissionMatrix(bus.PolicyConfig{WorkerSetup: true}); !strings.Contains(string(doc), m) {
		t.Fatalf("docs/security.md does not show the current permission matrix; it is:\n%s", m)
	}
}
