package registry

// Entry is one canister of a fleet registry (DOMAIN §1.1). Role, Kind, ParentPid and
// ModuleHash are null when absent.
type Entry struct {
	Pid        string  `json:"pid"`
	Role       *string `json:"role"`
	Kind       *string `json:"kind"`
	ParentPid  *string `json:"parent_pid"`
	ModuleHash *string `json:"module_hash"`
}
