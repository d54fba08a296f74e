package sim

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
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

// FuzzUploadMetadata: an uploaded metadata.json never panics the upload's checks, and only the
// metadata the artifact was written with is accepted.
func FuzzUploadMetadata(f *testing.F) {
	c := initialContent(&sampleMembers()[1])
	c.Bytes = 4096
	files, err := artifactLayout(c)
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	for i := range files {
		data := make([]byte, files[i].size)
		files[i].read(data, 0)
		path := filepath.Join(dir, filepath.FromSlash(files[i].name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			f.Fatal(err)
		}
	}
	good := files[0].data
	f.Add(good)
	for _, s := range []string{`{}`, `{`, `null`, `[]`, `{"content_id":"00","total_size_bytes":99999999999999}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, meta []byte) {
		mustOK(t, os.WriteFile(filepath.Join(dir, "metadata.json"), meta, 0o644))
		rec := &record{call: KindUpload, canister: sampleHub}
		_, err := readArtifact(context.Background(), rec, dir)
		if (err == nil) != bytes.Equal(meta, good) {
			t.Fatalf("metadata %q: %v", meta, err)
		}
		if err != nil && !errors.Is(err, ErrArtifactMismatch) {
			t.Fatalf("error %v is not ErrArtifactMismatch", err)
		}
	})
}
