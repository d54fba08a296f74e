package principal

import (
	"errors"
	"testing"
)

func TestParseValid(t *testing.T) {
	for _, text := range []string{
		"aaaaa-aa",
		"renrk-eyaaa-aaaaa-aaada-cai",
		"rno2w-sqaaa-aaaaa-aaacq-cai",
		"rdmx6-jaaaa-aaaaa-aaadq-cai",
		"r7inp-6aaaa-aaaaa-aaabq-cai",
		"2vxsx-fae", // anonymous principal, blob 0x04
	} {
		if _, err := Parse(text); err != nil {
			t.Errorf("Parse(%q) = %v, want valid", text, err)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	for _, text := range []string{
		"", "aaaaa-a", "AAAAA-AA", "aaaaaaa", "aaaa-aaa",
		"renrk-eyaaa-aaaaa-aaada-caj", // checksum
		"renrk-eyaaa-aaaaa-aaada-cai-", "-aaaaa-aa", "!!!!!", "aaaaa-aa ",
	} {
		_, err := Parse(text)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) = %v, want ErrInvalid", text, err)
		}
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	blob := []byte{0, 0, 0, 0, 0, 0, 0, 3, 1, 1}
	text := Encode(blob)
	if text != "r7inp-6aaaa-aaaaa-aaabq-cai" {
		t.Fatalf("Encode = %q", text)
	}
	got, err := Parse(text)
	if err != nil || string(got) != string(blob) {
		t.Fatalf("Parse(Encode) = %x, %v", got, err)
	}
	if Encode(nil) != "aaaaa-aa" {
		t.Fatalf("Encode(nil) = %q", Encode(nil))
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"aaaaa-aa", "renrk-eyaaa-aaaaa-aaada-cai", "", "aaaaa-a", "AAAAA-AA", "2vxsx-fae"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		blob, err := Parse(text)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		if Encode(blob) != text {
			t.Fatalf("accepted non-canonical %q", text)
		}
	})
}
