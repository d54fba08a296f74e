package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// Topology hash description stored next to every hash (plan, manifest, journals).
const (
	// TopologyHashAlgorithm names the hash function of TopologyHash.
	TopologyHashAlgorithm = "sha256"
	// TopologyHashInput describes what TopologyHash hashes.
	TopologyHashInput = "sorted(pid,parent_pid,role,module_hash)"
)

// TopologyHash is the lower-case hex SHA-256 of TopologyInput (DOMAIN §1.5). It does not depend
// on the order of the entries.
func TopologyHash(entries []Entry) (string, error) {
	input, err := TopologyInput(entries)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(input))
	return hex.EncodeToString(sum[:]), nil
}

// TopologyInput is the canonical text TopologyHash hashes: one row
// "pid=<pid>|parent_pid=<parent or null>|role=<role or empty>|module_hash=<hash or null>" per
// entry, pids and parents re-printed as canonical principals, rows sorted byte-wise and joined
// with "\n". A pid or parent that is not a principal is a *PrincipalError.
func TopologyInput(entries []Entry) (string, error) {
	canon := make(map[string]string, len(entries))
	rows := make([]string, 0, len(entries))
	for i, e := range entries {
		row, err := topologyRow(i, e, canon)
		if err != nil {
			return "", err
		}
		rows = append(rows, row)
	}
	slices.Sort(rows)
	return strings.Join(rows, "\n"), nil
}

// topologyRow renders entry i as its canonical row; canon caches principal re-prints.
func topologyRow(i int, e Entry, canon map[string]string) (string, error) {
	pid, err := canonical(i, "pid", e.Pid, canon)
	if err != nil {
		return "", err
	}
	parent := "null"
	if e.ParentPid != nil {
		if parent, err = canonical(i, "parent_pid", *e.ParentPid, canon); err != nil {
			return "", err
		}
	}
	role, hash := "", "null"
	if e.Role != nil {
		role = *e.Role
	}
	if e.ModuleHash != nil {
		hash = *e.ModuleHash
	}
	return "pid=" + pid + "|parent_pid=" + parent + "|role=" + role + "|module_hash=" + hash, nil
}

// canonical re-prints a principal text, remembering results in canon.
func canonical(i int, field, text string, canon map[string]string) (string, error) {
	if c, ok := canon[text]; ok {
		return c, nil
	}
	c, err := principal.Canonical(text)
	if err != nil {
		return "", &PrincipalError{Index: i, Field: field, Value: text, Err: err}
	}
	canon[text] = c
	return c, nil
}
