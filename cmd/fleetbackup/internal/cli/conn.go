package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/svc"
)

// natsFlagNames are the connection flags every command that talks to NATS takes.
var natsFlagNames = []string{"nats-url", "nats-creds", "nats-tls-ca", "nats-tls-cert", "nats-tls-key", "prefix"}

// connectTimeout bounds reaching the server: an operator waiting on a wrong URL learns it soon.
const connectTimeout = 5 * time.Second

// addNATSFlags registers --nats-url (NATS_URL), --nats-creds (NATS_CREDS), the --nats-tls-*
// files and --prefix (FLEETBACKUP_PREFIX), exactly as the services take them.
func addNATSFlags(fs *flag.FlagSet) *svc.Config {
	return borrowFlags(fs, natsFlagNames...)
}

// conn is a connection to an installation's journal.
type conn struct {
	nc    *nats.Conn
	store *runstore.Store
}

// Close closes the connection.
func (c *conn) Close() { c.nc.Close() }

// connect reaches the NATS server and binds the installation's buckets. Unlike a service, the
// CLI does not wait for a server that is not there, and never creates streams or buckets.
func connect(ctx context.Context, cfg *svc.Config) (*conn, error) {
	names, err := bus.NewNames(cfg.Prefix)
	if err != nil {
		return nil, &InputError{What: "--prefix", Err: err}
	}
	opts := []nats.Option{nats.Name("fleetbackup-cli"), nats.Timeout(connectTimeout)}
	if cfg.NATSCreds != "" {
		opts = append(opts, nats.UserCredentials(cfg.NATSCreds))
	}
	if cfg.NATSTLS.CAFile != "" {
		opts = append(opts, nats.RootCAs(cfg.NATSTLS.CAFile))
	}
	if cfg.NATSTLS.CertFile != "" || cfg.NATSTLS.KeyFile != "" {
		opts = append(opts, nats.ClientCert(cfg.NATSTLS.CertFile, cfg.NATSTLS.KeyFile))
	}
	nc, err := nats.Connect(cfg.NATSURL, opts...)
	if err != nil {
		return nil, fmt.Errorf("connecting to NATS at %s: %w (is `fleetbackup dev` or a NATS server running? see --nats-url)", cfg.NATSURL, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, err
	}
	openCtx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	store, err := runstore.OpenStore(openCtx, js, names)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("no fleetbackup installation with prefix %q at %s (start the services or `fleetbackup dev`): %w",
			names.Prefix, cfg.NATSURL, err)
	}
	return &conn{nc: nc, store: store}, nil
}

// connectForRun parses the one run-id argument of a following command (after its flags are
// registered), checks it, and connects.
func connectForRun(ctx context.Context, inv *invocation, cfg *svc.Config) (string, *conn, error) {
	args, err := inv.parse(1, 1, followEnv...)
	if err != nil {
		return "", nil, err
	}
	runID := args[0]
	if err := checkRunID(runID); err != nil {
		return "", nil, err
	}
	c, err := connect(ctx, cfg)
	return runID, c, err
}

// getRun reads a run record; a missing one is a FailedError naming the run.
func getRun(ctx context.Context, store *runstore.Store, runID string) (runs.Record, error) {
	e, err := store.Runs.Get(ctx, runID)
	if err != nil {
		return runs.Record{}, fmt.Errorf("run %s: %w", runID, err)
	}
	return e.Value, nil
}

// checkRunID refuses a run id that the contract's pattern rejects.
func checkRunID(runID string) error {
	if !bus.RunIDPattern.MatchString(runID) {
		return &InputError{What: "run id " + fmt.Sprintf("%q", runID), Err: fmt.Errorf("want %s", bus.RunIDPattern)}
	}
	return nil
}
