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
// client library is needed: up, ready, operations executed, message fates, start time and
// build info.
func (h *Health) WriteMetrics(w io.Writer) error {
	bw := bufio.NewWriter(w)
	svc := `{service="` + escapeLabel(h.service) + `"}`
	metric(bw, "fleetbackup_up", "gauge", "Whether the service process is up.", svc, "1")
	metric(bw, "fleetbackup_ready", "gauge", "Whether the service is bound to its consumer and connected to NATS.",
		svc, boolValue(h.Ready()))
	metric(bw, "fleetbackup_operations_executed_total", "counter", "Operations this process executed.",
		svc, fmt.Sprint(h.executed.Load()))
	h.writeMessageMetrics(bw)
	metric(bw, "fleetbackup_process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch in seconds.",
		svc, fmt.Sprint(h.started.Unix()))
	build := fmt.Sprintf(`{service="%s",version="%s",go_version="%s"}`,
		escapeLabel(h.service), escapeLabel(h.version), escapeLabel(runtime.Version()))
	metric(bw, "fleetbackup_build_info", "gauge", "Build information; the value is always 1.", build, "1")
	return bw.Flush()
}

// writeMessageMetrics writes the fates of the service's messages other than success.
func (h *Health) writeMessageMetrics(w io.Writer) {
	service := escapeLabel(h.service)
	const terminated = "fleetbackup_messages_terminated_total"
	header(w, terminated, "counter", "Messages terminated, by reason: rejected (they can never succeed), "+
		"failed (a handler error), max_deliveries (given up on their last allowed delivery).")
	for _, s := range []struct {
		reason string
		n      uint64
	}{
		{"rejected", h.messages.Rejected.Load()},
		{"failed", h.messages.Terminated.Load()},
		{"max_deliveries", h.messages.GaveUp.Load()},
	} {
		sample(w, terminated, `{service="`+service+`",reason="`+s.reason+`"}`, fmt.Sprint(s.n))
	}
	svc := `{service="` + service + `"}`
	metric(w, "fleetbackup_handler_panics_total", "counter", "Message handlers that panicked.",
		svc, fmt.Sprint(h.messages.Panics.Load()))
	metric(w, "fleetbackup_messages_handed_back_total", "counter", "Messages handed back for a later delivery.",
		svc, fmt.Sprint(h.messages.HandedBack.Load()))
}

// metric writes one metric with a single sample.
func metric(w io.Writer, name, kind, help, labels, value string) {
	header(w, name, kind, help)
	sample(w, name, labels, value)
}

func header(w io.Writer, name, kind, help string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
}

func sample(w io.Writer, name, labels, value string) {
	fmt.Fprintf(w, "%s%s %s\n", name, labels, value)
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
