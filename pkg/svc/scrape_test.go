package svc

import (
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape is one GET /metrics of a running service, parsed.
type scrape map[string]*dto.MetricFamily

// scrapeMetrics fetches and parses addr's /metrics as Prometheus would.
func scrapeMetrics(t *testing.T, addr string) scrape {
	t.Helper()
	code, body, _ := get(t, "http://"+addr+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET %s/metrics = %d\n%s", addr, code, body)
	}
	checkExposition(t, body)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parsing %s/metrics: %v", addr, err)
	}
	return families
}

// sum adds the values (a histogram's sample count) of every sample of name whose labels
// include want.
func (s scrape) sum(name string, want map[string]string) float64 {
	total := 0.0
	for _, m := range s[name].GetMetric() {
		if !labelled(m, want) {
			continue
		}
		switch {
		case m.Counter != nil:
			total += m.Counter.GetValue()
		case m.Gauge != nil:
			total += m.Gauge.GetValue()
		case m.Histogram != nil:
			total += float64(m.Histogram.GetSampleCount())
		}
	}
	return total
}

// has reports whether some sample of name has labels including want.
func (s scrape) has(name string, want map[string]string) bool {
	for _, m := range s[name].GetMetric() {
		if labelled(m, want) {
			return true
		}
	}
	return false
}

func labelled(m *dto.Metric, want map[string]string) bool {
	n := 0
	for _, l := range m.GetLabel() {
		if v, ok := want[l.GetName()]; ok && v == l.GetValue() {
			n++
		}
	}
	return n == len(want)
}

// total adds name over every service's scrape.
func total(scrapes map[string]scrape, name string, want map[string]string) float64 {
	t := 0.0
	for _, s := range scrapes {
		t += s.sum(name, want)
	}
	return t
}
