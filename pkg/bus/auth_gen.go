package bus

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// DefaultServerHosts are the names and addresses in a generation's server certificates: the
// compose cluster's servers, and the host's loopback (compose.yaml publishes 127.0.0.1:4222).
var DefaultServerHosts = []string{"nats-1", "nats-2", "nats-3", "localhost", "127.0.0.1", "::1"}

const (
	// DefaultServerDir is where compose.secure.yaml mounts the server directory, next to
	// deploy/auth/nats-secure.conf: auth.conf names the certificates there.
	DefaultServerDir = "/etc/nats/secure/auth"
	// DefaultCertValidity is how long a generation's certificates last.
	DefaultCertValidity = 365 * 24 * time.Hour
	serverSubdir        = "nats"
)

// ErrAuthExists says the output directory holds a generation already.
var ErrAuthExists = errors.New("keys and certificates exist already")

// AuthConfig says what GenerateAuth writes.
type AuthConfig struct {
	Dir       string        // output directory (created)
	Prefix    string        // the installation's prefix; "" means DefaultPrefix
	Hosts     []string      // names and addresses of the servers; default DefaultServerHosts
	ServerDir string        // the server directory as the server sees it; default DefaultServerDir
	Validity  time.Duration // of every certificate; default DefaultCertValidity
	Policy    PolicyConfig
	Force     bool // replace an earlier generation (rotates everything)
	Now       time.Time
}

// AuthFiles is where a generation put its files: Dir/nats for the server, Dir/<identity> for
// each identity.
type AuthFiles struct {
	Dir string
}

// ServerDir is the server's directory: auth.conf, cluster-tls.conf, the certificates and keys.
func (f AuthFiles) ServerDir() string { return filepath.Join(f.Dir, serverSubdir) }

// IdentityFiles are one identity's credentials and TLS files.
type IdentityFiles struct {
	Creds, CA, Cert, Key string
}

// Identity names the files of one identity (AccountIdentities or IdentitySystem).
func (f AuthFiles) Identity(name string) IdentityFiles {
	d := filepath.Join(f.Dir, name)
	return IdentityFiles{Creds: filepath.Join(d, "nats.creds"), CA: filepath.Join(d, "ca.pem"),
		Cert: filepath.Join(d, "cert.pem"), Key: filepath.Join(d, "key.pem")}
}

// Connect is the connection settings of this identity to url.
func (i IdentityFiles) Connect(url, name string) ConnectConfig {
	return ConnectConfig{URL: url, Name: name, CredsFile: i.Creds, TLSCAFile: i.CA, TLSCertFile: i.Cert, TLSKeyFile: i.Key}
}

// GenerateAuth generates a secured installation's keys and certificates into cfg.Dir: the
// server's configuration (an operator, the installation's account and the system account,
// client and route TLS) and, for every identity, its credentials (its own user key, with the
// permissions of Names.Grants) and a client certificate. Seeds of the operator and accounts
// and the CAs' keys are never written. Secrets are written readable by their owner only.
func GenerateAuth(cfg AuthConfig) (AuthFiles, error) {
	cfg, names, err := cfg.withDefaults()
	if err != nil {
		return AuthFiles{}, err
	}
	files := AuthFiles{Dir: cfg.Dir}
	if _, err := os.Stat(filepath.Join(files.ServerDir(), AuthConfFile)); err == nil && !cfg.Force {
		return files, fmt.Errorf("%w in %s (force to rotate them all)", ErrAuthExists, cfg.Dir)
	}
	t, err := newTrust()
	if err != nil {
		return files, err
	}
	ca, err := newCA("fleetbackup NATS CA", cfg.Now, cfg.Validity)
	if err != nil {
		return files, err
	}
	if err := writeServer(files, cfg, t, ca); err != nil {
		return files, err
	}
	for _, g := range names.Grants(cfg.Policy) {
		if err := writeIdentity(files, t, ca, g.Identity, &g); err != nil {
			return files, err
		}
	}
	return files, writeIdentity(files, t, ca, IdentitySystem, nil)
}

func (c AuthConfig) withDefaults() (AuthConfig, Names, error) {
	names, err := NewNames(c.Prefix)
	if err != nil {
		return c, names, err
	}
	if c.Dir == "" {
		return c, names, fmt.Errorf("auth: output directory required")
	}
	if len(c.Hosts) == 0 {
		c.Hosts = DefaultServerHosts
	}
	if c.ServerDir == "" {
		c.ServerDir = DefaultServerDir
	}
	if c.Validity <= 0 {
		c.Validity = DefaultCertValidity
	}
	if c.Now.IsZero() {
		c.Now = time.Now()
	}
	return c, names, nil
}

func writeServer(files AuthFiles, cfg AuthConfig, t *trust, ca *certAuthority) error {
	jwts, err := t.serverJWTs()
	if err != nil {
		return err
	}
	srv, err := ca.issue("nats", cfg.Hosts, x509.ExtKeyUsageServerAuth)
	if err != nil {
		return err
	}
	routeCA, err := newCA("fleetbackup NATS route CA", cfg.Now, cfg.Validity)
	if err != nil {
		return err
	}
	route, err := routeCA.issue("nats-route", cfg.Hosts, x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth)
	if err != nil {
		return err
	}
	return writeFiles(files.ServerDir(), []outFile{
		{AuthConfFile, []byte(authConf(jwts, cfg.ServerDir)), false},
		{ClusterTLSConfFile, []byte(clusterTLSConf(cfg.ServerDir)), false},
		{caFile, ca.certPEM, false}, {serverCertFile, srv.certPEM, false}, {serverKeyFile, srv.keyPEM, true},
		{routeCAFile, routeCA.certPEM, false}, {routeCertFile, route.certPEM, false}, {routeKeyFile, route.keyPEM, true},
	})
}

func writeIdentity(files AuthFiles, t *trust, ca *certAuthority, identity string, g *Grant) error {
	if g != nil && g.Identity == IdentityAdmin {
		g = nil // unrestricted in the installation's account
	}
	creds, err := t.credentials(identity, g)
	if err != nil {
		return err
	}
	cert, err := ca.issue(identity, nil, x509.ExtKeyUsageClientAuth)
	if err != nil {
		return err
	}
	f := files.Identity(identity)
	return writeFiles(filepath.Dir(f.Creds), []outFile{
		{filepath.Base(f.Creds), creds, true}, {filepath.Base(f.CA), ca.certPEM, false},
		{filepath.Base(f.Cert), cert.certPEM, false}, {filepath.Base(f.Key), cert.keyPEM, true},
	})
}

// outFile is one file to write; a secret is readable by its owner only.
type outFile struct {
	name   string
	data   []byte
	secret bool
}

func writeFiles(dir string, out []outFile) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, f := range out {
		mode := os.FileMode(0o644)
		if f.secret {
			mode = 0o600
		}
		path := filepath.Join(dir, f.name)
		_ = os.Remove(path) // a file left by an earlier generation keeps its mode otherwise
		if err := os.WriteFile(path, f.data, mode); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return nil
}
