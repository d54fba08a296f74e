package registry

// Entry is one canister of a fleet registry (DOMAIN §1.1). Role, Kind, ParentPid and
// ModuleHash are null when absent.
//
// CreatedAt is record.created_at, the nat64 every record of the root's Candid reply carries,
// as decimal text (how that reply renders to JSON); null when absent or not a nat64. DOMAIN
// §1.1 does not read it; it is kept so that normalising a registry (`registry parse`) loses no
// field of the wire record. Like Kind it is informational: no plan rule and not the topology
// hash (§1.5) depend on it.
type Entry struct {
	Pid        string  `json:"pid"`
	Role       *string `json:"role"`
	Kind       *string `json:"kind"`
	ParentPid  *string `json:"parent_pid"`
	ModuleHash *string `json:"module_hash"`
	CreatedAt  *string `json:"created_at"`
}
