package artifact

import (
	"os"
	"strings"
	"testing"
)

// Fixture ids and hash of DOMAIN §11.
const (
	rootID   = "aaaaa-aa"
	appID    = "renrk-eyaaa-aaaaa-aaada-cai"
	workerID = "rno2w-sqaaa-aaaaa-aaacq-cai"
)

var hash = strings.Repeat("0123456789abcdef", 4)

func ptr(s string) *string { return &s }

func fixtureBytes(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/download-journal.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// durableJournal is J1's journal: one Durable entry with checksum HASH and an RFC 3339 time.
func durableJournal() *Journal {
	j := New("backup-test", hash)
	e := NewEntry(appID, "snap-app", appID, "2026-05-07T12:00:00Z")
	e.State = StateDurable
	e.Checksum = ptr(hash)
	j.Upsert(e)
	return j
}

// entryIn returns an entry in state s carrying what that state requires.
func entryIn(canisterID, snapshotID string, s State) Entry {
	e := NewEntry(canisterID, snapshotID, canisterID, "unix:10")
	e.State = s
	if s == StateDownloaded || s == StateChecksumVerified {
		e.TempPath = ptr("backups/" + canisterID + ".tmp")
	}
	if s == StateChecksumVerified || s == StateDurable {
		e.Checksum = ptr(hash)
	}
	return e
}
