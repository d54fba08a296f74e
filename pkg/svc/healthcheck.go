package svc

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// HealthcheckCommand, as a service binary's first argument, makes the binary probe a running
// instance of itself instead of running one: `planner healthcheck [--health-addr ADDR]`. Images
// built FROM scratch have no shell and no curl; this gives them a container health check.
const HealthcheckCommand = "healthcheck"

// healthcheckUsage ends the probe's usage text.
const healthcheckUsage = `
Exit status: 0 when GET /readyz answers 200, 1 otherwise (not ready, not listening, no
address, a bad flag). The address falls back to FLEETBACKUP_HEALTH_ADDR, as the service's own
--health-addr does, so a container needs no flag; a host left empty or unspecified (":8080",
"0.0.0.0:8080", "[::]:8080") is probed on the loopback address.
`

// Healthcheck probes the /readyz endpoint of the service listening on --health-addr (env
// FLEETBACKUP_HEALTH_ADDR) and returns the exit status: 0 when it answers 200, 1 otherwise.
// Why it is not ready goes to stderr. -h prints the usage and returns 0.
func Healthcheck(service string, args []string, getenv func(string) string, stderr io.Writer) int {
	fs := flag.NewFlagSet(service+" "+HealthcheckCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("health-addr", "", "`ADDR` the service serves /readyz on, e.g. :8080")
	timeout := fs.Duration("health-timeout", 5*time.Second, "how long to wait for the answer")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s %s [--health-addr ADDR] [--health-timeout D]\n", service, HealthcheckCommand)
		fs.PrintDefaults()
		fmt.Fprint(stderr, healthcheckUsage)
	}
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err == nil {
		err = ApplyEnv(fs, getenv)
	}
	if err == nil {
		err = probeReady(*addr, *timeout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s %s: %v\n", service, HealthcheckCommand, err)
		return 1
	}
	return 0
}

// probeReady asks addr's /readyz and fails unless it answers 200.
func probeReady(addr string, timeout time.Duration) error {
	url, err := readyURL(addr)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return nil
}

// readyURL is the /readyz URL of a service listening on addr; an empty or unspecified host
// is the loopback address.
func readyURL(addr string) (string, error) {
	if addr == "" {
		return "", errors.New("no address: give --health-addr or set FLEETBACKUP_HEALTH_ADDR")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--health-addr %q: want HOST:PORT or :PORT", addr)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}
