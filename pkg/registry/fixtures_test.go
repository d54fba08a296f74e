package registry

import "strings"

// DOMAIN §11 fixture ids.
const (
	root   = "aaaaa-aa"
	app    = "renrk-eyaaa-aaaaa-aaada-cai"
	worker = "rno2w-sqaaa-aaaaa-aaacq-cai"
	other  = "rdmx6-jaaaa-aaaaa-aaadq-cai"
)

var hash = strings.Repeat("0123456789abcdef", 4)

func ptr(s string) *string { return &s }

// entry builds an entry; empty role or parent means null.
func entry(pid, role, parent string) Entry {
	e := Entry{Pid: pid}
	if role != "" {
		e.Role = ptr(role)
	}
	if parent != "" {
		e.ParentPid = ptr(parent)
	}
	return e
}

// threeEntries is the ROOT / APP / WORKER registry of DOMAIN §11.
func threeEntries() []Entry {
	return []Entry{entry(root, "root", ""), entry(app, "app", root), entry(worker, "worker", app)}
}

func pids(entries []Entry) []string {
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.Pid)
	}
	return out
}
