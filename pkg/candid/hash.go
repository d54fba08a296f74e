package candid

import (
	"cmp"
	"slices"
)

// Hash is Candid's field id of a name: the sum of its UTF-8 bytes times powers of 223, mod 2^32.
func Hash(name string) uint32 {
	var h uint32
	for i := 0; i < len(name); i++ {
		h = h*223 + uint32(name[i])
	}
	return h
}

// Field and alternative ids of the registry reply type.
var (
	hashOk         = Hash("Ok")
	hashErr        = Hash("Err")
	hashPid        = Hash("pid")
	hashRole       = Hash("role")
	hashRecord     = Hash("record")
	hashParentPid  = Hash("parent_pid")
	hashModuleHash = Hash("module_hash")
	hashCreatedAt  = Hash("created_at")
	hashCode       = Hash("code")
	hashMessage    = Hash("message")
)

// ErrorCodes are the alternatives of the registry's error code variant, as the root declares them.
var ErrorCodes = []string{
	"Conflict", "Forbidden", "Internal", "InvalidInput", "InvariantViolation", "NotFound",
	"PolicyInstanceRequiresSingletonWithDirectory", "PolicyReplicaRequiresSingletonWithScaling",
	"PolicyRoleAlreadyRegistered", "PolicyShardRequiresSingletonWithSharding",
	"PolicySingletonAlreadyRegisteredUnderParent", "ResourceExhausted", "Unauthorized", "Unavailable",
}

// codeByHash names error codes by their hash.
var codeByHash = func() map[uint32]string {
	m := make(map[uint32]string, len(ErrorCodes))
	for _, c := range ErrorCodes {
		m[Hash(c)] = c
	}
	return m
}()

// byHash returns names sorted by their hash: the order of a record's or variant's fields on the wire.
func byHash(names ...string) []string {
	out := slices.Clone(names)
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(Hash(a), Hash(b)) })
	return out
}
