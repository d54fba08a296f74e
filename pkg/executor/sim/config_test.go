package sim

import (
	"flag"
	"maps"
	"os"
	"testing"
	"time"
)

func TestParseLatency(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want map[string]time.Duration
		bad  bool
	}{
		{in: "", want: map[string]time.Duration{}},
		{in: "stop=50ms,start=20ms", want: map[string]time.Duration{"stop": 50 * time.Millisecond, "start": 20 * time.Millisecond}},
		{in: " download = 1s , registry=0s ", want: map[string]time.Duration{"download": time.Second, "registry": 0}},
		{in: "snapshot=1m,status=2us", want: map[string]time.Duration{"snapshot": time.Minute, "status": 2 * time.Microsecond}},
		{in: "upload=3s,load=4ms", want: map[string]time.Duration{"upload": 3 * time.Second, "load": 4 * time.Millisecond}},
		{in: "list=1s", bad: true},
		{in: "module=1s", bad: true},
		{in: "mutate=1s", bad: true},
		{in: "bogus=1s", bad: true},
		{in: "stop", bad: true},
		{in: "stop=", bad: true},
		{in: "stop=fast", bad: true},
		{in: "stop=-1s", bad: true},
		{in: "stop=1s,stop=2s", bad: true},
		{in: "stop=1s,", bad: true},
	} {
		got, err := ParseLatency(tc.in)
		if tc.bad {
			mustErr(t, err, ErrInvalidLatency)
			continue
		}
		mustOK(t, err)
		if !maps.Equal(got, tc.want) {
			t.Errorf("ParseLatency(%q) = %v, want %v", tc.in, got, tc.want)
		}
		if back, err := ParseLatency(FormatLatency(got)); err != nil || !maps.Equal(back, got) {
			t.Errorf("FormatLatency round trip of %q: %v, %v", tc.in, back, err)
		}
	}
}

func TestRegisterFlags(t *testing.T) {
	fs := flag.NewFlagSet("svc", flag.ContinueOnError)
	cfg := RegisterFlags(fs)
	err := fs.Parse([]string{"--sim-state", "/s", "--sim-fleet", "f.json", "--sim-artifact-bytes", "4096",
		"--sim-latency", "stop=50ms,start=20ms"})
	mustOK(t, err)
	want := map[string]time.Duration{"stop": 50 * time.Millisecond, "start": 20 * time.Millisecond}
	if cfg.StateDir != "/s" || cfg.FleetFile != "f.json" || cfg.ArtifactBytes != 4096 || !maps.Equal(cfg.Latency, want) {
		t.Fatalf("flags gave %+v", cfg)
	}
	fs = flag.NewFlagSet("svc", flag.ContinueOnError)
	fs.SetOutput(discard{})
	RegisterFlags(fs)
	if err := fs.Parse([]string{"--sim-latency", "nap=1s"}); err == nil {
		t.Fatal("unknown latency kind accepted")
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestNewValidatesConfig(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		cfg  Config
		want error
	}{
		{"negative artifact bytes", Config{StateDir: dir, ArtifactBytes: -1}, ErrInvalidConfig},
		{"tiny artifact", Config{StateDir: dir, ArtifactBytes: 15}, ErrInvalidConfig},
		{"negative max snapshots", Config{StateDir: dir, MaxSnapshots: -1}, ErrInvalidConfig},
		{"unknown latency kind", Config{StateDir: dir, Latency: map[string]time.Duration{"nap": 1}}, ErrInvalidLatency},
		{"negative latency", Config{StateDir: dir, Latency: map[string]time.Duration{"stop": -1}}, ErrInvalidLatency},
		{"missing fleet file", Config{StateDir: dir, FleetFile: dir + "/absent.json"}, ErrInvalidConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			mustErr(t, err, tc.want)
		})
	}
}

func TestNewZeroConfig(t *testing.T) {
	s, err := New(Config{})
	mustOK(t, err)
	t.Cleanup(func() { os.RemoveAll(s.StateDir()) })
	if s.cfg.ArtifactBytes != DefaultArtifactBytes || s.cfg.MaxSnapshots != DefaultMaxSnapshots {
		t.Fatalf("defaults not applied: %+v", s.cfg)
	}
	if s.Root() != sampleRoot {
		t.Fatalf("Root = %s, want the sample root %s", s.Root(), sampleRoot)
	}
	if _, err := os.Stat(s.StateDir() + "/fleet.json"); err != nil {
		t.Fatalf("state not initialised: %v", err)
	}
}

func TestConfigNotAliased(t *testing.T) {
	latency := map[string]time.Duration{"stop": time.Second}
	s := newSim(t, "", Config{Latency: latency})
	latency["stop"] = 0
	if s.cfg.Latency["stop"] != time.Second {
		t.Fatal("Sim shares the caller's latency map")
	}
}
