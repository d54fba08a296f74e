package registry

// Parent kinds in the pid-index form of the registry used by Depths.
const (
	noParent      = -1 // parent_pid is null
	parentOutside = -2 // parent_pid names no registry entry
	depthUnknown  = -1
)

// Depths returns the depth of every registry pid (DOMAIN §1.4): the number of parent hops from
// the pid until an entry without parent, a parent that is not in the registry (counted as one
// hop) or a pid already visited (a cycle). For duplicate pids the last entry's parent counts.
//
// Equal to the reference's walk per pid, in O(N) overall: a pid off any cycle has depth
// 1 + depth(parent), and every pid on a cycle of length L has depth L, so each pid is walked
// once and memoised.
func Depths(entries []Entry) map[string]uint32 {
	index := make(map[string]int, len(entries))
	for i, e := range entries {
		index[e.Pid] = i
	}
	parent := make([]int, len(entries))
	for i, e := range entries {
		parent[i] = parentIndex(e, index)
	}
	d := depthWalker{parent: parent, depth: make([]int64, len(entries)), stamp: make([]int, len(entries))}
	for i := range d.depth {
		d.depth[i] = depthUnknown
	}
	out := make(map[string]uint32, len(index))
	for pid, i := range index {
		out[pid] = uint32(d.of(i))
	}
	return out
}

// parentIndex is the index of e's parent entry, noParent or parentOutside.
func parentIndex(e Entry, index map[string]int) int {
	if e.ParentPid == nil {
		return noParent
	}
	if p, ok := index[*e.ParentPid]; ok {
		return p
	}
	return parentOutside
}

// depthWalker memoises depths over the pid-index form of the registry.
type depthWalker struct {
	parent []int
	depth  []int64 // depthUnknown until computed
	stamp  []int   // the number of the last walk that put the entry on its path
	walks  int
	path   []int
}

// of returns the depth of entry i, computing it and every entry on its parent chain once.
func (d *depthWalker) of(i int) int64 {
	d.walks++
	d.path = d.path[:0]
	base := d.walk(i)
	for k := len(d.path) - 1; k >= 0; k-- {
		base++
		d.depth[d.path[k]] = base
	}
	return d.depth[i]
}

// walk pushes unresolved entries from i up the parent chain onto d.path and returns the depth
// of the entry the last pushed one points at (0 for a parent outside the registry).
func (d *depthWalker) walk(i int) int64 {
	for cur := i; ; {
		switch {
		case d.depth[cur] != depthUnknown:
			return d.depth[cur]
		case d.parent[cur] == noParent:
			d.depth[cur] = 0
			return 0
		case d.stamp[cur] == d.walks:
			return d.closeCycle(cur)
		}
		d.stamp[cur] = d.walks
		d.path = append(d.path, cur)
		if d.parent[cur] == parentOutside {
			return 0
		}
		cur = d.parent[cur]
	}
}

// closeCycle gives every entry of the cycle starting at start (the tail of d.path) its length,
// removes them from the path and returns that length.
func (d *depthWalker) closeCycle(start int) int64 {
	k := len(d.path) - 1
	for d.path[k] != start {
		k--
	}
	length := int64(len(d.path) - k)
	for _, c := range d.path[k:] {
		d.depth[c] = length
	}
	d.path = d.path[:k]
	return length
}
