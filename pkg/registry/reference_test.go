package registry

import (
	"math/rand/v2"
	"strconv"
)

// referenceTraverse is DOMAIN §1.3 literally: rescan the registry for every dequeued parent.
func referenceTraverse(entries []Entry, selected string, recursive bool) ([]Entry, bool) {
	byPid := map[string]Entry{}
	for _, e := range entries {
		byPid[e.Pid] = e
	}
	sel, ok := byPid[selected]
	if !ok {
		return nil, false
	}
	out := []Entry{sel}
	seen := map[string]bool{sel.Pid: true}
	queue := []string{sel.Pid}
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		for _, e := range entries {
			if e.ParentPid == nil || *e.ParentPid != parent || seen[e.Pid] {
				continue
			}
			seen[e.Pid] = true
			out = append(out, e)
			if recursive {
				queue = append(queue, e.Pid)
			}
		}
	}
	return out, true
}

// referenceDepths is DOMAIN §1.4 literally (the reference's target_depth walk per pid).
func referenceDepths(entries []Entry) map[string]uint32 {
	parents := map[string]*string{}
	for _, e := range entries {
		parents[e.Pid] = e.ParentPid
	}
	out := map[string]uint32{}
	for _, e := range entries {
		depth, current, seen := uint32(0), e.Pid, map[string]bool{}
		for {
			parent, ok := parents[current]
			if !ok || parent == nil || seen[current] {
				break
			}
			seen[current] = true
			depth++
			current = *parent
		}
		out[e.Pid] = depth
	}
	return out
}

// randomRegistry draws n entries over a small pid space so that duplicates, cycles, self
// parents, missing parents and null parents all occur.
func randomRegistry(r *rand.Rand, n int) []Entry {
	space := n/2 + 2
	entries := make([]Entry, n)
	for i := range entries {
		entries[i].Pid = "c" + strconv.Itoa(r.IntN(space))
		switch r.IntN(5) {
		case 0:
		case 1:
			entries[i].ParentPid = ptr("outside" + strconv.Itoa(r.IntN(3)))
		default:
			entries[i].ParentPid = ptr("c" + strconv.Itoa(r.IntN(space)))
		}
		if r.IntN(2) == 0 {
			entries[i].Role = ptr(strconv.Itoa(i))
		}
	}
	return entries
}
