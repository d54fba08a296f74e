package icp

import (
	"errors"
	"testing"
)

// X1, X2 (DOMAIN §11): a snapshot id from human and from table output.
func TestParseSnapshotIDText(t *testing.T) {
	cases := map[string]string{
		"Created snapshot: 0a0b0c0d\n": "0a0b0c0d", // X1
		"ID        SIZE      CREATED_AT\n0a0b0c0d  1.37 MiB  2026-05-10T17:04:19Z\n": "0a0b0c0d", // X2
		"0000000000000000ffffffffffc000020101\n":                                     "0000000000000000ffffffffffc000020101",
	}
	for in, want := range cases {
		got, err := ParseSnapshotIDText(in)
		if err != nil || got != want {
			t.Errorf("ParseSnapshotIDText(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "no id here", "abc"} {
		if _, err := ParseSnapshotIDText(bad); !errors.Is(err, ErrBadOutput) {
			t.Errorf("ParseSnapshotIDText(%q) error = %v, want ErrBadOutput", bad, err)
		}
	}
}
