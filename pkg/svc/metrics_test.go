package svc

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMessageMetrics(t *testing.T) {
	h := NewHealth("planner", "v1", nil)
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()
	m := h.Metrics().Messages()
	m.Rejected.Add(2)
	m.Terminated.Add(3)
	m.GaveUp.Add(1)
	m.Panics.Add(4)
	m.HandedBack.Add(5)

	code, body, _ := get(t, srv.URL+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("metrics = %d", code)
	}
	for _, want := range []string{
		"# TYPE fleetbackup_messages_terminated_total counter\n" +
			`fleetbackup_messages_terminated_total{reason="failed",service="planner"} 3` + "\n" +
			`fleetbackup_messages_terminated_total{reason="max_deliveries",service="planner"} 1` + "\n" +
			`fleetbackup_messages_terminated_total{reason="rejected",service="planner"} 2` + "\n",
		"# TYPE fleetbackup_handler_panics_total counter\n" + `fleetbackup_handler_panics_total{service="planner"} 4` + "\n",
		"# TYPE fleetbackup_messages_handed_back_total counter\n" +
			`fleetbackup_messages_handed_back_total{service="planner"} 5` + "\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	checkExposition(t, body)
}
