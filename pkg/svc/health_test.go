package svc

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading %s: %v", url, err)
	}
	return resp.StatusCode, string(body), resp.Header
}

func TestHealthEndpoints(t *testing.T) {
	var connected atomic.Bool
	connected.Store(true)
	h := NewHealth("downloader", "v1.2.3", connected.Load)
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()

	if code, _, _ := get(t, srv.URL+"/healthz"); code != http.StatusOK {
		t.Errorf("healthz = %d", code)
	}
	if code, _, _ := get(t, srv.URL+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("readyz before the consumer is bound = %d, want 503", code)
	}
	h.SetReady(true)
	if code, _, _ := get(t, srv.URL+"/readyz"); code != http.StatusOK {
		t.Errorf("readyz once bound = %d, want 200", code)
	}
	connected.Store(false)
	if code, _, _ := get(t, srv.URL+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("readyz while NATS is down = %d, want 503", code)
	}
	if code, _, _ := get(t, srv.URL+"/healthz"); code != http.StatusOK {
		t.Errorf("healthz while NATS is down = %d, want 200 (alive)", code)
	}
	resp, err := http.Post(srv.URL+"/healthz", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST healthz = %d", resp.StatusCode)
	}
}

func TestMetrics(t *testing.T) {
	h := NewHealth("verifier", `v"1`, nil)
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()
	h.SetReady(true)
	h.Executed("r1", 3, "w1")
	h.Executed("r1", 4, "w1")

	code, body, header := get(t, srv.URL+"/metrics")
	if ct := header.Get("Content-Type"); code != http.StatusOK || !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Fatalf("metrics = %d %q", code, ct)
	}
	for _, want := range []string{
		"# TYPE fleetbackup_up gauge\nfleetbackup_up{service=\"verifier\"} 1\n",
		"fleetbackup_ready{service=\"verifier\"} 1\n",
		"# TYPE fleetbackup_operations_executed_total counter\nfleetbackup_operations_executed_total{service=\"verifier\"} 2\n",
		`fleetbackup_build_info{go_version="go`,
		`service="verifier",version="v\"1"} 1`,
		"# TYPE fleetbackup_process_start_time_seconds gauge\n",
		"# TYPE go_goroutines gauge\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	checkExposition(t, body)
}

// checkExposition checks every line is a comment, `name{labels} value` or `name value`, and
// that every fleetbackup_ sample carries the service label.
func checkExposition(t *testing.T, body string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		if strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE ") {
			continue
		}
		name, rest, labelled := strings.Cut(line, "{")
		if !labelled {
			name, rest, _ = strings.Cut(line, " ")
		}
		if name == "" || (labelled && !strings.Contains(rest, "} ")) || (!labelled && rest == "") {
			t.Errorf("malformed sample line %q", line)
		}
		if strings.HasPrefix(name, "fleetbackup_") && !strings.Contains(rest, `service="`) {
			t.Errorf("sample without a service label: %q", line)
		}
	}
}

func TestServe(t *testing.T) {
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	addr, stop, err := Serve("", nil, log)
	if err != nil || addr != "" || stop(context.Background()) != nil {
		t.Fatalf("empty addr should serve nothing: %q %v", addr, err)
	}
	h := NewHealth("planner", "dev", nil)
	addr, stop, err = Serve("127.0.0.1:0", h.Handler(), log)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := get(t, "http://"+addr+"/healthz"); code != http.StatusOK {
		t.Errorf("healthz = %d", code)
	}
	if err := stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("server still answering after stop")
	}
	if _, _, err := Serve("127.0.0.1:-1", h.Handler(), log); err == nil {
		t.Error("bad address should fail")
	}
}
