package registry

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// fixtureEntries is the D1 registry without kinds.
func fixtureEntries() []Entry {
	e := threeEntries()
	e[1].ModuleHash = ptr("01ab")
	e[2].ModuleHash = ptr(hash)
	return e
}

// Pinned independently (Python hashlib over the rows of DOMAIN §1.5).
const fixtureHash = "9fed6305a45d50b61716817e34cc16edb01ca953e3ab90045384be55994fe0bd"

// T1: the hash is order independent and 64 lower-hex characters.
func TestTopologyHashOrderIndependent(t *testing.T) {
	entries := fixtureEntries()
	got, err := TopologyHash(entries)
	if err != nil {
		t.Fatal(err)
	}
	if got != fixtureHash {
		t.Fatalf("TopologyHash = %s, want %s", got, fixtureHash)
	}
	reversed := slices.Clone(entries)
	slices.Reverse(reversed)
	if again, _ := TopologyHash(reversed); again != got || len(got) != 64 || strings.ToLower(got) != got {
		t.Fatalf("reordered hash %s, original %s", again, got)
	}
}

// T2: changing a parent changes the hash.
func TestTopologyHashParentChange(t *testing.T) {
	entries := fixtureEntries()
	before, _ := TopologyHash(entries)
	entries[2].ParentPid = ptr(root)
	if after, _ := TopologyHash(entries); after == before {
		t.Fatal("hash unchanged after a parent change")
	}
}

// T3: the canonical input spells null parents and hashes as null, a missing role as empty.
func TestTopologyInputCanonical(t *testing.T) {
	entries := append(fixtureEntries(), entry(other, "", ""))
	got, err := TopologyInput(entries)
	if err != nil {
		t.Fatal(err)
	}
	want := "pid=aaaaa-aa|parent_pid=null|role=root|module_hash=null\n" +
		"pid=rdmx6-jaaaa-aaaaa-aaadq-cai|parent_pid=null|role=|module_hash=null\n" +
		"pid=renrk-eyaaa-aaaaa-aaada-cai|parent_pid=aaaaa-aa|role=app|module_hash=01ab\n" +
		"pid=rno2w-sqaaa-aaaaa-aaacq-cai|parent_pid=renrk-eyaaa-aaaaa-aaada-cai|role=worker|module_hash=" + hash
	if got != want {
		t.Fatalf("TopologyInput =\n%s\nwant\n%s", got, want)
	}
	if TopologyHashAlgorithm != "sha256" || TopologyHashInput != "sorted(pid,parent_pid,role,module_hash)" {
		t.Fatal("hash description changed")
	}
}

func TestTopologyHashEmpty(t *testing.T) {
	got, err := TopologyHash(nil)
	if err != nil || got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatalf("TopologyHash(nil) = %s, %v", got, err)
	}
}

func TestTopologyInvalidPrincipal(t *testing.T) {
	for _, tc := range []struct {
		entries []Entry
		index   int
		field   string
		value   string
	}{
		{[]Entry{entry(root, "", ""), entry("AAAAA-AA", "", "")}, 1, "pid", "AAAAA-AA"},
		{[]Entry{entry(root, "", ""), {Pid: app, ParentPid: ptr("")}}, 1, "parent_pid", ""},
		{[]Entry{entry(app, "", "aaaaa-a")}, 0, "parent_pid", "aaaaa-a"},
	} {
		_, err := TopologyHash(tc.entries)
		var perr *PrincipalError
		if !errors.Is(err, ErrInvalidPrincipal) || !errors.Is(err, principal.ErrInvalid) || !errors.As(err, &perr) {
			t.Fatalf("err = %v", err)
		}
		if perr.Index != tc.index || perr.Field != tc.field || perr.Value != tc.value {
			t.Fatalf("got %+v", perr)
		}
	}
}
