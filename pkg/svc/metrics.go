package svc

import (
	"bufio"
	"fmt"
	"io"
	"runtime"
	"strings"
)

// MetricsContentType is the Prometheus text exposition format, version 0.0.4.
const MetricsContentType = "text/plain; version=0.0.4; charset=utf-8"

// WriteMetrics writes the service's metrics in the Prometheus text format, by hand so that no
// client library is needed: up, ready, operations executed, start time and build info.
func (h *Health) WriteMetrics(w io.Writer) error {
	bw := bufio.NewWriter(w)
	svc := `{service="` + escapeLabel(h.service) + `"}`
	metric(bw, "fleetbackup_up", "gauge", "Whether the service process is up.", svc, "1")
	metric(bw, "fleetbackup_ready", "gauge", "Whether the service is bound to its consumer and connected to NATS.",
		svc, boolValue(h.Ready()))
	metric(bw, "fleetbackup_operations_executed_total", "counter", "Operations this process executed.",
		svc, fmt.Sprint(h.executed.Load()))
	metric(bw, "fleetbackup_process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch in seconds.",
		svc, fmt.Sprint(h.started.Unix()))
	build := fmt.Sprintf(`{service="%s",version="%s",go_version="%s"}`,
		escapeLabel(h.service), escapeLabel(h.version), escapeLabel(runtime.Version()))
	metric(bw, "fleetbackup_build_info", "gauge", "Build information; the value is always 1.", build, "1")
	return bw.Flush()
}

func metric(w io.Writer, name, kind, help, labels, value string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s%s %s\n", name, help, name, kind, name, labels, value)
}

func boolValue(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// escapeLabel escapes a label value as the text format requires: backslash, quote, newline.
func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}
