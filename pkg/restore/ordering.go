package restore

import (
	"container/heap"
)

// orderMembers orders members parent before child exactly as the reference's scan does
// (RESTORE §2.4): repeatedly take the first remaining member, in the given order, whose parent
// is absent, outside the plan or already taken. Taking the lowest-index available member from a
// heap gives the same order in O(N log N) instead of the scan's O(N²). Each member gets its
// member_order and, when both parent ids are known, its ordering dependency.
func orderMembers(members []Member) ([]Member, error) {
	index := make(map[string]int, len(members))
	for i := range members {
		index[members[i].SourceCanister] = i
	}
	children := make([][]int, len(members))
	avail := &intHeap{}
	for i := range members {
		parent, ok := parentIndex(members[i], index)
		if ok {
			children[parent] = append(children[parent], i)
		} else {
			*avail = append(*avail, i)
		}
	}
	heap.Init(avail)
	ordered := make([]Member, 0, len(members))
	for avail.Len() > 0 {
		i := heap.Pop(avail).(int)
		m := members[i]
		m.MemberOrder = len(ordered)
		m.OrderingDependency = dependencyOf(m)
		ordered = append(ordered, m)
		for _, c := range children[i] {
			heap.Push(avail, c)
		}
	}
	if len(ordered) != len(members) {
		return nil, newErr(ErrRestoreOrderCycle)
	}
	return ordered, nil
}

// parentIndex returns the index of m's parent when the parent is another plan member.
func parentIndex(m Member, index map[string]int) (int, bool) {
	if m.ParentSourceCanister == nil {
		return 0, false
	}
	i, ok := index[*m.ParentSourceCanister]
	return i, ok
}

// dependencyOf is the member's parent-before-child edge, or nil when a parent id is unknown.
func dependencyOf(m Member) *OrderingDependency {
	if m.ParentSourceCanister == nil || m.ParentTargetCanister == nil {
		return nil
	}
	return &OrderingDependency{SourceCanister: *m.ParentSourceCanister,
		TargetCanister: *m.ParentTargetCanister, Relationship: RelationshipParentBeforeChild}
}

// intHeap is a min-heap of member indexes.
type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
