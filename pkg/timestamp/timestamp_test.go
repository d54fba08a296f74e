package timestamp

import (
	"errors"
	"testing"
	"time"
)

// K1: a marker is `unix:` followed by a u64.
func TestMarkerK1(t *testing.T) {
	m := Marker(time.Unix(1715090400, 0))
	if m != "unix:1715090400" {
		t.Fatalf("Marker = %q", m)
	}
	n, err := Parse(m)
	if err != nil || n != 1715090400 {
		t.Fatalf("Parse = %d, %v", n, err)
	}
}

func TestParse(t *testing.T) {
	good := map[string]uint64{"unix:0": 0, "unix:+5": 5, "unix:18446744073709551615": 1<<64 - 1}
	for in, want := range good {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "unix:", "5", "unix:-1", "unix:++5", "unix:1.5", "UNIX:5", "unix:18446744073709551616", "2026-01-01T00:00:00Z"} {
		if _, err := Parse(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) err = %v", in, err)
		}
	}
}
