package sim

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// sampleCreatedAt is when the sample fleet's canisters were created (2026-01-01, in nanoseconds).
const sampleCreatedAt = 1767225600_000000000

// sampleRoles lays out the sample fleet: root, three hubs, eight leaves. Roles are unique, so any
// selection of the sample fleet can be backed up as one unit.
var sampleRoles = []struct{ role, parent string }{
	{"root", ""},
	{"user_hub", "root"},
	{"asset_hub", "root"},
	{"game_hub", "root"},
	{"user_shard_1", "user_hub"},
	{"user_shard_2", "user_hub"},
	{"user_shard_3", "user_hub"},
	{"asset_store_1", "asset_hub"},
	{"asset_store_2", "asset_hub"},
	{"game_shard_1", "game_hub"},
	{"game_shard_2", "game_hub"},
	{"game_shard_3", "game_hub"},
}

// SampleFleetJSON returns the built-in sample fleet as registry JSON in the {"Ok": [...]} shape:
// twelve canisters over three levels, with canister-style principals and module hashes.
func SampleFleetJSON() []byte {
	data, err := renderRegistry(sampleMembers())
	if err != nil {
		return nil // unreachable: the sample is static and always renders
	}
	return data
}

func sampleMembers() []member {
	pids := make(map[string]string, len(sampleRoles))
	members := make([]member, 0, len(sampleRoles))
	for i, r := range sampleRoles {
		pid := principal.Encode(canisterBlob(uint64(0x100 + i)))
		pids[r.role] = pid
		hash := sha256.Sum256([]byte("fleetbackup-sim module " + r.role))
		members = append(members, member{
			pid: pid, role: r.role, parent: pids[r.parent],
			moduleHash: hash[:], createdAt: sampleCreatedAt + uint64(i)*1_000_000_000,
		})
	}
	return members
}

// canisterBlob builds a 10-byte canister id blob the way the IC does: an 8-byte big-endian
// index followed by 0x01 0x01.
func canisterBlob(n uint64) []byte {
	blob := make([]byte, 10)
	binary.BigEndian.PutUint64(blob, n)
	blob[8], blob[9] = 1, 1
	return blob
}
