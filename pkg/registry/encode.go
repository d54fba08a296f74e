package registry

import (
	"bytes"
	"encoding/json"
)

// wireEntry is one element of the root canister's registry answer, in Encode's field order.
type wireEntry struct {
	Pid    string     `json:"pid"`
	Role   *string    `json:"role"`
	Record wireRecord `json:"record"`
}

// wireRecord is the canister record inside a wireEntry.
type wireRecord struct {
	Pid        string  `json:"pid"`
	Role       *string `json:"role"`
	Kind       *string `json:"kind"`
	ParentPid  *string `json:"parent_pid"`
	ModuleHash *string `json:"module_hash"`
	CreatedAt  *string `json:"created_at"`
}

// Encode renders entries in the root canister's shape,
// {"Ok":[{"pid","role","record":{"pid","role","kind","parent_pid","module_hash","created_at"}}]},
// as compact JSON with explicit nulls: every field of the Candid record, and Kind. Parse(Encode(x))
// equals x for every x whose strings are valid UTF-8 and whose CreatedAt is null or a decimal
// nat64 (Kind and CreatedAt included: they travel in the record). `registry parse` prints it.
func Encode(entries []Entry) ([]byte, error) {
	wire := struct {
		Ok []wireEntry `json:"Ok"`
	}{Ok: make([]wireEntry, 0, len(entries))}
	for _, e := range entries {
		wire.Ok = append(wire.Ok, wireEntry{
			Pid:  e.Pid,
			Role: e.Role,
			Record: wireRecord{
				Pid: e.Pid, Role: e.Role, Kind: e.Kind, ParentPid: e.ParentPid, ModuleHash: e.ModuleHash,
				CreatedAt: e.CreatedAt,
			},
		})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(wire); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
