package bus

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// pair is a certificate and its key, in memory and as PEM files.
type pair struct {
	cert     *x509.Certificate
	key      *ecdsa.PrivateKey
	certFile string
	keyFile  string
}

func newPair(t *testing.T, dir, name string, tmpl *x509.Certificate, parent *pair) *pair {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, signerCert := key, tmpl
	if parent != nil {
		signer, signerCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	keyDER, _ := x509.MarshalECPrivateKey(key)
	p := &pair{cert: cert, key: key, certFile: filepath.Join(dir, name+".pem"), keyFile: filepath.Join(dir, name+"-key.pem")}
	writePEM(t, p.certFile, "CERTIFICATE", der)
	writePEM(t, p.keyFile, "EC PRIVATE KEY", keyDER)
	return p
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

func template(serial int64, cn string) *x509.Certificate {
	return &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
}

// A service reaches a server that requires TLS with client certificates, using the CA, certificate
// and key files of ConnectConfig, and JetStream works over it.
func TestConnectWithTLS(t *testing.T) {
	dir := t.TempDir()
	caTmpl := template(1, "fleetbackup test CA")
	caTmpl.IsCA, caTmpl.BasicConstraintsValid = true, true
	caTmpl.KeyUsage = x509.KeyUsageCertSign
	ca := newPair(t, dir, "ca", caTmpl, nil)
	srvTmpl := template(2, "nats")
	srvTmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	srvTmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	srvPair := newPair(t, dir, "server", srvTmpl, ca)
	cliTmpl := template(3, "planner")
	cliTmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	cli := newPair(t, dir, "client", cliTmpl, ca)

	srv := startTLSServer(t, srvPair, ca)
	nc, js, err := Connect(ConnectConfig{URL: srv.ClientURL(), Name: "tls-test",
		TLSCAFile: ca.certFile, TLSCertFile: cli.certFile, TLSKeyFile: cli.keyFile})
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	names, _ := NewNames("")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := Setup(ctx, js, names, SetupConfig{}); err != nil {
		t.Fatalf("setup over TLS: %v", err)
	}
	if st, err := nc.TLSConnectionState(); err != nil || !st.HandshakeComplete {
		t.Fatalf("connection is not TLS: %v", err)
	}
	if _, _, err := Connect(ConnectConfig{URL: srv.ClientURL(), TLSCertFile: cli.certFile}); err == nil {
		t.Fatal("a certificate without its key was accepted")
	}
}

func startTLSServer(t *testing.T, srvPair, ca *pair) *server.Server {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(srvPair.certFile, srvPair.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	opts := &server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, JetStream: true, StoreDir: t.TempDir(),
		NoLog: true, NoSigs: true, TLS: true, TLSVerify: true,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, ClientCAs: pool,
			ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}}
	srv, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		t.Fatal("TLS server not ready")
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	return srv
}
