package svc

import (
	"errors"
	"io"
	"testing"
)

// --max-targets (or FLEETBACKUP_MAX_TARGETS) reaches the planner's configuration; 0 is the
// default; a negative value is refused.
func TestParseMaxTargets(t *testing.T) {
	base := []string{"--sim-state", "/s"}
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want int
	}{
		{nil, nil, 0},
		{[]string{"--max-targets", "20000"}, nil, 20000},
		{nil, map[string]string{"FLEETBACKUP_MAX_TARGETS": "3"}, 3},
	} {
		if cfg := mustParse(t, "planner", append(base, tc.args...), tc.env); cfg.MaxTargets != tc.want {
			t.Errorf("%q %v: max targets %d, want %d", tc.args, tc.env, cfg.MaxTargets, tc.want)
		}
	}
	_, err := parse("planner", append(base, "--max-targets", "-1"), envOf(nil), io.Discard)
	var ce *ConfigError
	if !errors.Is(err, ErrInvalidConfig) || !errors.As(err, &ce) || ce.Setting != "max-targets" {
		t.Errorf("--max-targets -1: err = %v, want an invalid max-targets", err)
	}
}
