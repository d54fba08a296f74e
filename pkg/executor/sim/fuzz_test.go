package sim

import (
	"bytes"
	"errors"
	"maps"
	"testing"
)

// FuzzParseFleet: a fleet file never panics the parser; what it accepts renders to a registry
// that parses back to the same registry.
func FuzzParseFleet(f *testing.F) {
	f.Add(SampleFleetJSON())
	f.Add([]byte(customFleet))
	for _, s := range []string{`{"Ok":[]}`, `[]`, `{`, `{"Ok":3}`, `[{"pid":"aaaaa-aa"}]`, `null`, `[null]`,
		`[{"pid":"r7inp-6aaaa-aaaaa-aaabq-cai","record":{"parent_pid":[],"module_hash":[1,2],"created_at":5}}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fl, err := parseFleet(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidFleet) {
				t.Fatalf("error %v is not ErrInvalidFleet", err)
			}
			return
		}
		again, err := parseFleet(fl.registry)
		if err != nil || !bytes.Equal(again.registry, fl.registry) || again.root != fl.root {
			t.Fatalf("registry does not round-trip: %v", err)
		}
	})
}

// FuzzParseLatency: a --sim-latency value never panics the parser; what it accepts round-trips.
func FuzzParseLatency(f *testing.F) {
	for _, s := range []string{"", "stop=50ms,start=20ms", "download=1h2m3s", "bogus=1s", "stop=", "=", ",", "stop=1s,stop=1s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		latency, err := ParseLatency(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidLatency) {
				t.Fatalf("error %v is not ErrInvalidLatency", err)
			}
			return
		}
		back, err := ParseLatency(FormatLatency(latency))
		if err != nil || !maps.Equal(back, latency) {
			t.Fatalf("%q does not round-trip: %v %v", s, back, err)
		}
	})
}
