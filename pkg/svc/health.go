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

	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Health holds what a service's HTTP endpoints report: it is alive while the process runs,
// ready once its consumer is bound and while NATS is connected, and it counts the
// operations it executed and the fates of its messages. Every method is safe for concurrent
// use.
type Health struct {
	service   string
	version   string
	started   time.Time
	connected func() bool
	ready     atomic.Bool
	executed  atomic.Uint64
	messages  worker.Counters
}

// NewHealth starts the record of one service process. connected reports whether the NATS
// connection is up; nil means always.
func NewHealth(service, version string, connected func() bool) *Health {
	if connected == nil {
		connected = func() bool { return true }
	}
	return &Health{service: service, version: version, started: time.Now(), connected: connected}
}

// SetReady marks the service ready (its consumer is bound) or not (it is shutting down).
func (h *Health) SetReady(ready bool) { h.ready.Store(ready) }

// Ready reports whether the service takes work: marked ready and connected to NATS.
func (h *Health) Ready() bool { return h.ready.Load() && h.connected() }

// Executed counts one executed operation; its signature is pipeline.ServiceConfig.OnExecuted's.
func (h *Health) Executed(runID string, seq int, worker string) { h.executed.Add(1) }

// Messages are the counters of the service's message fates, for pipeline.ServiceConfig.Counters.
func (h *Health) Messages() *worker.Counters { return &h.messages }

// Handler serves /healthz (200 while the process runs), /readyz (200 when Ready, else 503)
// and /metrics (Prometheus text exposition).
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
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", MetricsContentType)
		_ = h.WriteMetrics(w)
	})
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
