package checksum

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// C1: empty input hashes to the well-known empty digest under algorithm sha256.
func TestEmptyBytes(t *testing.T) {
	if got := Bytes(nil); got != EmptyHash {
		t.Fatalf("Bytes(nil) = %s, want %s", got, EmptyHash)
	}
	if EmptyHash != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatalf("EmptyHash = %s", EmptyHash)
	}
	if Algorithm != "sha256" {
		t.Fatalf("Algorithm = %q", Algorithm)
	}
}

// C2: a file's checksum equals the in-memory checksum of the same bytes, for sizes around the
// read buffer's edges, a page's, and past a memory-mapping window (64 MiB on Linux).
func TestFileEqualsBytes(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, 13, 4095, 4096, 4097, bufferSize - 1, bufferSize, bufferSize + 1, 3*bufferSize + 7, 64<<20 + 3} {
		data := pattern(size)
		path := filepath.Join(dir, "f")
		writeFile(t, path, data)
		got, err := File(path)
		if err != nil {
			t.Fatal(err)
		}
		if want := Bytes(data); got != want {
			t.Fatalf("size %d: File = %s, Bytes = %s", size, got, want)
		}
		if viaPath, err := Path(path); err != nil || viaPath != got {
			t.Fatalf("size %d: Path = %s, %v; want %s", size, viaPath, err, got)
		}
	}
}

func TestReader(t *testing.T) {
	data := pattern(2*bufferSize + 5)
	got, err := Reader(iotest.HalfReader(bytes.NewReader(data)))
	if err != nil || got != Bytes(data) {
		t.Fatalf("Reader = %s, %v; want %s", got, err, Bytes(data))
	}
	if _, err := Reader(iotest.ErrReader(os.ErrClosed)); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("Reader error = %v, want os.ErrClosed", err)
	}
	if _, err := Reader(badReader{}); !errors.Is(err, errInvalidRead) {
		t.Fatalf("bad count: %v", err)
	}
}

type badReader struct{}

func (badReader) Read(p []byte) (int, error) { return len(p) + 1, nil }

func TestFileErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	if _, err := File(missing); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("File(missing) = %v", err)
	}
	if _, err := Path(missing); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Path(missing) = %v", err)
	}
	notDir := filepath.Join(t.TempDir(), "f")
	writeFile(t, notDir, nil)
	if _, err := Dir(notDir); !errors.Is(err, errNotDirectory) {
		t.Fatalf("Dir(file) = %v", err)
	}
}

// C4: Verify against a different hash fails with ChecksumMismatch carrying both values.
func TestVerify(t *testing.T) {
	other := strings.Repeat("0123456789abcdef", 4)
	if err := Verify(Algorithm, EmptyHash, EmptyHash); err != nil {
		t.Fatalf("equal: %v", err)
	}
	err := Verify(Algorithm, other, EmptyHash)
	var mm *MismatchError
	if !errors.Is(err, ErrMismatch) || !errors.As(err, &mm) || mm.Expected != other || mm.Actual != EmptyHash {
		t.Fatalf("different: %v", err)
	}
	if err := Verify(Algorithm, strings.ToUpper(EmptyHash), EmptyHash); !errors.Is(err, ErrMismatch) {
		t.Fatalf("case must matter: %v", err)
	}
	err = Verify("md5", EmptyHash, EmptyHash)
	var ua *UnsupportedAlgorithmError
	if !errors.Is(err, ErrUnsupportedAlgorithm) || !errors.As(err, &ua) || ua.Algorithm != "md5" {
		t.Fatalf("algorithm: %v", err)
	}
	if err := Verify("SHA256", EmptyHash, EmptyHash); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Fatalf("algorithm case: %v", err)
	}
}

func TestValidHex(t *testing.T) {
	cases := map[string]bool{
		EmptyHash:                    true,
		strings.ToUpper(EmptyHash):   true,
		EmptyHash[:63]:               false,
		EmptyHash + "0":              false,
		"":                           false,
		"g" + EmptyHash[1:]:          false,
		"not-a-sha":                  false,
		strings.Repeat("f", HexLen):  true,
		" " + EmptyHash[1:]:          false,
		strings.Repeat("\u00e9", 32): false,
	}
	for in, want := range cases {
		if got := ValidHex(in); got != want {
			t.Errorf("ValidHex(%q) = %v, want %v", in, got, want)
		}
	}
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>9)
	}
	return b
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
