package svc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/fleetbackup/fleetbackup/pkg/metrics"
)

// Health holds what a service's HTTP endpoints report: it is alive while the process runs,
// ready once its consumer is bound and while NATS is connected, and its metrics: a registry
// of its own (never Prometheus's global one, so that several services in one process stay
// apart) holding the process's series and the pipeline's collectors (package metrics), every
// series labelled with the service's name. Every method is safe for concurrent use.
type Health struct {
	service   string
	version   string
	started   time.Time
	connected func() bool
	ready     atomic.Bool
	executed  atomic.Uint64
	registry  *prometheus.Registry
	metrics   *metrics.Set
	log       atomic.Pointer[slog.Logger]
}

// NewHealth starts the record of one service process. connected reports whether the NATS
// connection is up; nil means always.
func NewHealth(service, version string, connected func() bool) *Health {
	if connected == nil {
		connected = func() bool { return true }
	}
	h := &Health{service: service, version: version, started: time.Now(), connected: connected,
		registry: prometheus.NewRegistry()}
	h.metrics = metrics.New(h.registerer())
	h.registerProcess()
	return h
}

// registerer registers on the process's registry with the service's label.
func (h *Health) registerer() prometheus.Registerer {
	return prometheus.WrapRegistererWith(prometheus.Labels{"service": h.service}, h.registry)
}

// SetLogger sets where errors gathering metrics are logged (default: nowhere).
func (h *Health) SetLogger(log *slog.Logger) { h.log.Store(log) }

// SetReady marks the service ready (its consumer is bound) or not (it is shutting down).
func (h *Health) SetReady(ready bool) { h.ready.Store(ready) }

// Ready reports whether the service takes work: marked ready and connected to NATS.
func (h *Health) Ready() bool { return h.ready.Load() && h.connected() }

// Executed counts one executed operation; its signature is stage.Signals.Executed's.
func (h *Health) Executed(runID string, seq int, worker string) { h.executed.Add(1) }

// Metrics is the process's collectors: message fates, operations, bytes, KV operations.
// Carry it to the stages with metrics.NewContext.
func (h *Health) Metrics() *metrics.Set { return h.metrics }

// Registry is the process's metrics registry (Gather it, or register more collectors).
func (h *Health) Registry() *prometheus.Registry { return h.registry }

// ObserveRuns adds the series read from the runs bucket kv on every scrape (runs by kind,
// state and restart_required; last completions). One service per installation registers it:
// the planner.
func (h *Health) ObserveRuns(kv jetstream.KeyValue) error {
	return h.registerer().Register(metrics.RunsCollector{KV: kv})
}

// Handler serves /healthz (200 while the process runs), /readyz (200 when Ready, else 503)
// and /metrics (Prometheus exposition, negotiated: text by default). A collector that fails
// (the runs bucket unreachable) is logged and left out; the other series are still served.
func (h *Health) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writePlain(w, http.StatusOK, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if h.Ready() {
			writePlain(w, http.StatusOK, "ready\n")
			return
		}
		writePlain(w, http.StatusServiceUnavailable, "not ready\n")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(h.registry, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError, ErrorLog: errorLog{h}}))
	return mux
}

func writePlain(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = fmt.Fprint(w, body)
}

// Serve listens on addr and serves handler in the background. It returns the address it
// listens on (useful with port 0) and a function that shuts the server down within ctx.
// An empty addr serves nothing.
func Serve(addr string, handler http.Handler, log *slog.Logger) (bound string, stop func(context.Context) error, err error) {
	if addr == "" {
		return "", func(context.Context) error { return nil }, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("listening for health on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("health server", "err", err)
		}
	}()
	bound = ln.Addr().String()
	log.Info("health server listening", "addr", bound)
	return bound, srv.Shutdown, nil
}
