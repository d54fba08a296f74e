package registry

// Traverse returns the subtree of the registry rooted at selected (DOMAIN §1.3), breadth-first:
// the selected entry (the last one with that pid), then its children in registry order, then,
// only when recursive, their children and so on. A non-recursive traversal still includes the
// direct children. Each pid appears once, as the first entry reached with it.
//
// The output equals the reference's rescan-per-parent algorithm, in O(N): children are indexed
// once as linked lists in registry order.
func Traverse(entries []Entry, selected string, recursive bool) ([]Entry, error) {
	root := -1
	for i := range entries {
		if entries[i].Pid == selected {
			root = i
		}
	}
	if root < 0 {
		return nil, &NotInRegistryError{CanisterID: selected}
	}
	head, next := childLists(entries)
	seen := make(map[string]struct{}, len(entries))
	seen[selected] = struct{}{}
	// order is both the output (as entry indices) and the breadth-first queue: the reference
	// enqueues every appended child, in the order it appends them.
	order := []int{root}
	for q := 0; q < len(order) && (q == 0 || recursive); q++ {
		child, ok := head[entries[order[q]].Pid]
		for ; ok && child >= 0; child = next[child] {
			pid := entries[child].Pid
			if _, dup := seen[pid]; !dup {
				seen[pid] = struct{}{}
				order = append(order, child)
			}
		}
	}
	out := make([]Entry, len(order))
	for k, i := range order {
		out[k] = entries[i]
	}
	return out, nil
}

// childLists indexes entries by parent pid: head[p] is the first entry whose parent is p and
// next[i] the following one after entry i (-1 at the end), both in registry order.
func childLists(entries []Entry) (head map[string]int, next []int) {
	head = make(map[string]int)
	next = make([]int, len(entries))
	for i := len(entries) - 1; i >= 0; i-- {
		next[i] = -1
		p := entries[i].ParentPid
		if p == nil {
			continue
		}
		if h, ok := head[*p]; ok {
			next[i] = h
		}
		head[*p] = i
	}
	return head, next
}
