package sim

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// member is one simulated canister.
type member struct {
	pid        string
	blob       []byte
	role       string
	parent     string // "" for the root
	moduleHash []byte // nil when the registry says null
	createdAt  uint64
}

// fleet is the simulated fleet, indexed by principal, with its registry JSON rendered once.
type fleet struct {
	members  []member
	index    map[string]int
	root     string
	registry []byte
}

type rawEntry struct {
	Pid    *string         `json:"pid"`
	Role   *string         `json:"role"`
	Record json.RawMessage `json:"record"`
}

type rawRecord struct {
	ParentPid  json.RawMessage `json:"parent_pid"`
	ModuleHash json.RawMessage `json:"module_hash"`
	CreatedAt  json.RawMessage `json:"created_at"`
}

// parseFleet reads registry JSON ({"Ok": [...]} or a bare array) into a fleet: every pid a
// unique valid principal, exactly one root, every parent a member, every member under the root.
func parseFleet(data []byte) (*fleet, error) {
	entries, err := topLevel(data)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, &FleetError{Index: -1, Reason: "no canisters"}
	}
	f := &fleet{index: make(map[string]int, len(entries))}
	for i, raw := range entries {
		m, err := parseMember(i, raw)
		if err != nil {
			return nil, err
		}
		if _, dup := f.index[m.pid]; dup {
			return nil, &FleetError{Index: i, Pid: m.pid, Reason: "duplicate pid"}
		}
		f.index[m.pid] = i
		f.members = append(f.members, m)
	}
	if err := f.checkTree(); err != nil {
		return nil, err
	}
	f.registry, err = renderRegistry(f.members)
	return f, err
}

func topLevel(data []byte) ([]json.RawMessage, error) {
	data = bytes.TrimSpace(data)
	var entries []json.RawMessage
	if len(data) > 0 && data[0] == '{' {
		var wrapped struct {
			Ok *[]json.RawMessage `json:"Ok"`
		}
		if err := json.Unmarshal(data, &wrapped); err != nil || wrapped.Ok == nil {
			return nil, &FleetError{Index: -1, Reason: `registry JSON must be an array or {"Ok": [...]}`}
		}
		return *wrapped.Ok, nil
	}
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, &FleetError{Index: -1, Reason: `registry JSON must be an array or {"Ok": [...]}: ` + err.Error()}
	}
	return entries, nil
}

func parseMember(i int, raw json.RawMessage) (member, error) {
	var e rawEntry
	if err := json.Unmarshal(raw, &e); err != nil || e.Pid == nil {
		return member{}, &FleetError{Index: i, Reason: "entry must be an object with a string pid"}
	}
	m := member{pid: *e.Pid}
	fail := func(reason string) (member, error) {
		return member{}, &FleetError{Index: i, Pid: m.pid, Reason: reason}
	}
	blob, err := principal.Parse(m.pid)
	if err != nil {
		return fail("pid is not a valid principal")
	}
	m.blob = blob
	if e.Role != nil {
		m.role = *e.Role
	}
	var rec rawRecord
	if len(e.Record) > 0 && string(e.Record) != "null" {
		if err := json.Unmarshal(e.Record, &rec); err != nil {
			return fail("record must be an object")
		}
	}
	if m.parent, err = parentPid(rec.ParentPid); err != nil {
		return fail(err.Error())
	}
	if m.parent != "" && !principal.Valid(m.parent) {
		return fail("parent_pid is not a valid principal")
	}
	if m.moduleHash, err = moduleHash(rec.ModuleHash); err != nil {
		return fail(err.Error())
	}
	if m.createdAt, err = createdAt(rec.CreatedAt); err != nil {
		return fail(err.Error())
	}
	return m, nil
}

// checkTree requires one root and every member reachable from it (no cycles, no strangers).
func (f *fleet) checkTree() error {
	children := make(map[string][]string, len(f.members))
	for i, m := range f.members {
		if m.parent == "" {
			if f.root != "" {
				return &FleetError{Index: i, Pid: m.pid, Reason: "second root (entry without parent)"}
			}
			f.root = m.pid
			continue
		}
		if _, ok := f.index[m.parent]; !ok {
			return &FleetError{Index: i, Pid: m.pid, Reason: "parent " + m.parent + " is not in the fleet"}
		}
		children[m.parent] = append(children[m.parent], m.pid)
	}
	if f.root == "" {
		return &FleetError{Index: -1, Reason: "no root (every entry has a parent)"}
	}
	seen, queue := 1, []string{f.root}
	for len(queue) > 0 {
		kids := children[queue[0]]
		queue = append(queue[1:], kids...)
		seen += len(kids)
	}
	if seen != len(f.members) {
		return &FleetError{Index: -1, Reason: "parent links form a cycle outside the root's tree"}
	}
	return nil
}

// renderRegistry renders the fleet as the root canister's registry reply, in the {"Ok": [...]} shape.
func renderRegistry(members []member) ([]byte, error) {
	type record struct {
		Pid        string  `json:"pid"`
		Role       string  `json:"role"`
		ParentPid  *string `json:"parent_pid"`
		ModuleHash []int   `json:"module_hash"`
		CreatedAt  string  `json:"created_at"`
	}
	type entry struct {
		Pid    string `json:"pid"`
		Role   string `json:"role"`
		Record record `json:"record"`
	}
	out := struct {
		Ok []entry `json:"Ok"`
	}{Ok: make([]entry, 0, len(members))}
	for _, m := range members {
		r := record{Pid: m.pid, Role: m.role, CreatedAt: strconv.FormatUint(m.createdAt, 10)}
		if m.parent != "" {
			r.ParentPid = &m.parent
		}
		if m.moduleHash != nil {
			r.ModuleHash = make([]int, len(m.moduleHash))
			for i, b := range m.moduleHash {
				r.ModuleHash[i] = int(b)
			}
		}
		out.Ok = append(out.Ok, entry{Pid: m.pid, Role: m.role, Record: r})
	}
	return json.Marshal(out)
}
