package svc

import (
	"errors"
	"io"
	"testing"
	"time"
)

// --management-lease defaults to 5s, follows a shorter --lease when not given, falls back to
// FLEETBACKUP_MANAGEMENT_LEASE, and is refused below 1s or above --lease.
func TestParseManagementLease(t *testing.T) {
	base := []string{"--sim-state", "/s"}
	for _, tc := range []struct {
		args             []string
		env              map[string]string
		lease, mgmtLease time.Duration
	}{
		{nil, nil, 30 * time.Second, 5 * time.Second},
		{[]string{"--lease", "2s"}, nil, 2 * time.Second, 2 * time.Second},
		{[]string{"--management-lease", "10s"}, nil, 30 * time.Second, 10 * time.Second},
		{nil, map[string]string{"FLEETBACKUP_MANAGEMENT_LEASE": "3s"}, 30 * time.Second, 3 * time.Second},
		{[]string{"--lease", "1m", "--management-lease", "1m"}, nil, time.Minute, time.Minute},
	} {
		cfg := mustParse(t, "snapshotter", append(base, tc.args...), tc.env)
		if cfg.Lease != tc.lease || cfg.ManagementLease != tc.mgmtLease {
			t.Errorf("%q %v: lease %s, management lease %s; want %s, %s", tc.args, tc.env, cfg.Lease,
				cfg.ManagementLease, tc.lease, tc.mgmtLease)
		}
	}
	for _, args := range [][]string{
		{"--management-lease", "500ms"},
		{"--management-lease", "31s"},
		{"--lease", "2s", "--management-lease", "5s"},
	} {
		_, err := parse("snapshotter", append(base, args...), envOf(nil), io.Discard)
		var ce *ConfigError
		if !errors.Is(err, ErrInvalidConfig) || !errors.As(err, &ce) || ce.Setting != "management-lease" {
			t.Errorf("%q: err = %v, want an invalid management-lease", args, err)
		}
	}
}
