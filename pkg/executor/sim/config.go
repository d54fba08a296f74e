package sim

import (
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Call kinds that take a latency (--sim-latency keys).
const (
	KindStop     = "stop"
	KindStart    = "start"
	KindSnapshot = "snapshot"
	KindDownload = "download"
	KindStatus   = "status"
	KindRegistry = "registry"
	KindUpload   = "upload"
	KindLoad     = "load"
)

// KindList is the call kind of ListSnapshots in faults and history (it takes no latency).
const KindList = "list"

// KindDelete is the call kind of DeleteSnapshot in faults and history (it takes the snapshot latency).
const KindDelete = "delete"

// KindModule is the call kind of ModuleHash in faults and history (it takes the status latency).
const KindModule = "module"

// KindMutate is the call kind of Mutate in history (it takes no latency and no fault).
const KindMutate = "mutate"

var latencyKinds = []string{KindStop, KindStart, KindSnapshot, KindDownload, KindStatus, KindRegistry, KindUpload, KindLoad}

// Defaults applied to a zero Config.
const (
	DefaultArtifactBytes = 1 << 20
	DefaultMaxSnapshots  = 10
	minArtifactBytes     = 16
)

// Config configures a simulator. The zero value is usable: a fresh private state directory,
// the sample fleet, 1 MiB of memory per snapshot, no latency, ten snapshots per canister.
type Config struct {
	// StateDir is the shared state directory; empty means a new temporary directory.
	StateDir string
	// FleetFile is registry JSON ({"Ok": [...]} or a bare array); empty means the fleet the
	// state directory already holds, or else the sample fleet.
	FleetFile string
	// ArtifactBytes is the memory of a new snapshot, spread over its artifact files.
	ArtifactBytes int64
	// Latency is the duration of each call kind (keys stop, start, snapshot, download, status,
	// registry, upload, load; ListSnapshots and ModuleHash take the status latency). A stop's
	// latency is how long the canister stays stopping; a download's is spread over its steps.
	Latency map[string]time.Duration
	// MaxSnapshots is how many snapshots a canister may hold.
	MaxSnapshots int
}

// withDefaults validates cfg and fills in defaults, without touching the caller's map.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.ArtifactBytes < 0 {
		return cfg, &ConfigError{Field: "ArtifactBytes", Value: strconv.FormatInt(cfg.ArtifactBytes, 10),
			Reason: "must not be negative", Err: ErrInvalidConfig}
	}
	if cfg.ArtifactBytes > 0 && cfg.ArtifactBytes < minArtifactBytes {
		return cfg, &ConfigError{Field: "ArtifactBytes", Value: strconv.FormatInt(cfg.ArtifactBytes, 10),
			Reason: "must be at least 16 (every artifact file gets its share)", Err: ErrInvalidConfig}
	}
	if cfg.MaxSnapshots < 0 {
		return cfg, &ConfigError{Field: "MaxSnapshots", Value: strconv.Itoa(cfg.MaxSnapshots),
			Reason: "must not be negative", Err: ErrInvalidConfig}
	}
	if cfg.ArtifactBytes == 0 {
		cfg.ArtifactBytes = DefaultArtifactBytes
	}
	if cfg.MaxSnapshots == 0 {
		cfg.MaxSnapshots = DefaultMaxSnapshots
	}
	latency := make(map[string]time.Duration, len(cfg.Latency))
	for kind, d := range cfg.Latency {
		if err := checkLatency(kind, d); err != nil {
			return cfg, err
		}
		latency[kind] = d
	}
	cfg.Latency = latency
	return cfg, nil
}

func checkLatency(kind string, d time.Duration) error {
	if !slices.Contains(latencyKinds, kind) {
		return &ConfigError{Field: "latency", Value: kind,
			Reason: "unknown call kind (want one of " + strings.Join(latencyKinds, ", ") + ")", Err: ErrInvalidLatency}
	}
	if d < 0 {
		return &ConfigError{Field: "latency", Value: kind + "=" + d.String(), Reason: "negative duration", Err: ErrInvalidLatency}
	}
	return nil
}

// ParseLatency reads the --sim-latency syntax `stop=50ms,start=20ms`. An empty string is no latency;
// an unknown kind, a repeated kind or a bad duration is an error.
func ParseLatency(s string) (map[string]time.Duration, error) {
	out := map[string]time.Duration{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for item := range strings.SplitSeq(s, ",") {
		kind, value, ok := strings.Cut(strings.TrimSpace(item), "=")
		kind, value = strings.TrimSpace(kind), strings.TrimSpace(value)
		if !ok {
			return nil, &ConfigError{Field: "latency", Value: item, Reason: "want KIND=DURATION", Err: ErrInvalidLatency}
		}
		d, err := time.ParseDuration(value)
		if err != nil {
			return nil, &ConfigError{Field: "latency", Value: item, Reason: "bad duration", Err: ErrInvalidLatency}
		}
		if err := checkLatency(kind, d); err != nil {
			return nil, err
		}
		if _, dup := out[kind]; dup {
			return nil, &ConfigError{Field: "latency", Value: item, Reason: "kind given twice", Err: ErrInvalidLatency}
		}
		out[kind] = d
	}
	return out, nil
}

// FormatLatency renders a latency map in the --sim-latency syntax, kinds in a fixed order.
func FormatLatency(latency map[string]time.Duration) string {
	var parts []string
	for _, kind := range latencyKinds {
		if d, ok := latency[kind]; ok {
			parts = append(parts, fmt.Sprintf("%s=%s", kind, d))
		}
	}
	return strings.Join(parts, ",")
}

// RegisterFlags registers the contract flags --sim-state, --sim-fleet, --sim-artifact-bytes and
// --sim-latency on fs and returns the Config they fill in when fs is parsed.
func RegisterFlags(fs *flag.FlagSet) *Config {
	cfg := &Config{}
	fs.StringVar(&cfg.StateDir, "sim-state", "", "simulated fleet: shared state `DIR` (created on first use)")
	fs.StringVar(&cfg.FleetFile, "sim-fleet", "", "simulated fleet: registry JSON `FILE` (default: a built-in sample fleet)")
	fs.Int64Var(&cfg.ArtifactBytes, "sim-artifact-bytes", 0, "simulated fleet: memory bytes per snapshot (default 1 MiB)")
	fs.Func("sim-latency", "simulated fleet: call latencies `KIND=DURATION,...` (stop, start, snapshot, download, status, registry, upload, load)",
		func(s string) error {
			latency, err := ParseLatency(s)
			if err != nil {
				return err
			}
			cfg.Latency = latency
			return nil
		})
	return cfg
}
