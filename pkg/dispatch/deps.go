package dispatch

import "math/bits"

// Deps records which predecessors of one node are done, as a bit per predecessor slot.
// Marking a slot twice changes nothing, so a worker that repeats its hand-off after a
// crash cannot complete a node early.
type Deps struct {
	Need int    `json:"need"`
	Done []byte `json:"done"`
}

// NewDeps makes the record of a node waiting for need predecessors.
func NewDeps(need int) Deps {
	return Deps{Need: need, Done: make([]byte, (need+7)/8)}
}

// Mark sets a slot; it reports whether the slot was newly set.
func (d *Deps) Mark(slot int) bool {
	if slot < 0 || slot >= d.Need {
		return false
	}
	if len(d.Done) < (d.Need+7)/8 {
		grown := make([]byte, (d.Need+7)/8)
		copy(grown, d.Done)
		d.Done = grown
	}
	bit := byte(1) << (slot % 8)
	if d.Done[slot/8]&bit != 0 {
		return false
	}
	d.Done[slot/8] |= bit
	return true
}

// Count is the number of predecessors done.
func (d Deps) Count() int {
	n := 0
	for _, b := range d.Done {
		n += bits.OnesCount8(b)
	}
	return n
}

// Satisfied reports whether every predecessor is done.
func (d Deps) Satisfied() bool { return d.Count() >= d.Need }
