package bus

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// SingleServerConfFile is the name of the one-server configuration WriteSingleServerConf writes.
const SingleServerConfFile = "single-server.conf"

// WriteSingleServerConf writes a one-server configuration that includes the generation's
// auth.conf: JetStream in storeDir (fsync on every write), clients on host:port (port -1: any
// free port). It is what the tests run, and a secured server outside compose (generate with
// the server directory as the server will see it). The compose cluster uses
// deploy/auth/nats-secure.conf instead.
func (f AuthFiles) WriteSingleServerConf(host string, port int, storeDir string) (string, error) {
	conf := fmt.Sprintf("%shost: %q\nport: %d\n\njetstream {\n  store_dir: %q\n  sync_interval: always\n}\n\ninclude %q\n",
		generatedHeader, host, port, storeDir, filepath.Join(serverSubdir, AuthConfFile))
	path := filepath.Join(f.Dir, SingleServerConfFile)
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// StartConfigFile starts a NATS server in this process from a configuration file, as
// `nats-server -c file` would (without signal handling), and waits until it is ready.
func StartConfigFile(file string) (*server.Server, error) {
	opts, err := server.ProcessConfigFile(file)
	if err != nil {
		return nil, fmt.Errorf("server configuration %s: %w", file, err)
	}
	opts.NoSigs = true
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("server from %s: %w", file, err)
	}
	go s.Start()
	if !s.ReadyForConnections(30 * time.Second) {
		s.Shutdown()
		return nil, fmt.Errorf("server from %s: not ready after 30s", file)
	}
	return s, nil
}
