package svc

import (
	"fmt"
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/fleetbackup/fleetbackup/pkg/metrics"
)

// registerProcess registers the process's own series, with the names the hand-written
// /metrics had (up, ready, operations executed, start time, build info), and the standard Go
// runtime and process collectors (go_*, process_*), which carry no service label.
func (h *Health) registerProcess() {
	gauge := func(name, help string, labels prometheus.Labels, value func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: metrics.Namespace, Name: name, Help: help,
			ConstLabels: labels}, value)
	}
	build := prometheus.Labels{"version": h.version, "go_version": runtime.Version()}
	h.registerer().MustRegister(
		gauge("up", "Whether the service process is up.", nil, func() float64 { return 1 }),
		gauge("ready", "Whether the service is bound to its consumer and connected to NATS.", nil,
			func() float64 { return boolValue(h.Ready()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: metrics.Namespace, Name: "operations_executed_total",
			Help: "Operations this process executed."}, func() float64 { return float64(h.executed.Load()) }),
		gauge("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds.", nil,
			func() float64 { return float64(h.started.Unix()) }),
		gauge("build_info", "Build information; the value is always 1.", build, func() float64 { return 1 }),
	)
	h.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// errorLog logs the errors of a scrape (promhttp.Logger) at the Health's logger.
type errorLog struct{ h *Health }

// Println logs one gathering error.
func (e errorLog) Println(v ...any) {
	if log := e.h.log.Load(); log != nil {
		log.Warn("gathering metrics", "service", e.h.service, "err", fmt.Sprint(v...))
	}
}
