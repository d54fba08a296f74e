package document

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

type sample struct {
	Name  string   `json:"name"`
	Tags  []string `json:"tags"`
	Maybe *string  `json:"maybe"`
}

func (s sample) Validate() error {
	if s.Name == "" {
		return errors.New("empty name")
	}
	return nil
}

func TestMarshalFormat(t *testing.T) {
	got, err := Marshal(sample{Name: "a<b>&c", Tags: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"name\": \"a<b>&c\",\n  \"tags\": [],\n  \"maybe\": null\n}"
	if string(got) != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestWriteRejectsInvalidAndTouchesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "doc.json")
	if err := Write(path, sample{}); err == nil {
		t.Fatal("want validation error")
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("directory created for an invalid document: %v", err)
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "doc.json")
	in := sample{Name: "x", Tags: []string{"a"}}
	if err := Write(path, in); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("temp file left behind")
	}
	var out sample
	if err := Read(path, &out); err != nil {
		t.Fatal(err)
	}
	if out.Name != "x" || len(out.Tags) != 1 || out.Maybe != nil {
		t.Fatalf("round trip = %+v", out)
	}
}

func TestUnmarshalTooLarge(t *testing.T) {
	big := make([]byte, MaxSize+1)
	if err := Unmarshal(big, &sample{}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
}
