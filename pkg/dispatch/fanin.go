package dispatch

// BarrierFanIn is how many predecessors of a barrier share one record. A barrier with more
// predecessors is a two-level tree: one shard record per BarrierFanIn predecessors, and a root
// record with one bit per shard that a shard marks once all its predecessors are done. Each
// record is rewritten by at most BarrierFanIn writers, so a barrier costs O(N) bytes in all
// instead of N rewrites of an N-bit record, and no record is every operation's hot key.
const BarrierFanIn = 16

// BarrierShards is the number of shard records of a barrier waiting for need predecessors; 1
// means the barrier is a single record (no tree).
func BarrierShards(need int) int {
	if need <= BarrierFanIn {
		return 1
	}
	return (need + BarrierFanIn - 1) / BarrierFanIn
}

// ShardNeed is how many predecessors shard k of such a barrier waits for.
func ShardNeed(need, k int) int {
	return min(BarrierFanIn, need-k*BarrierFanIn)
}

// RootNeed is what a barrier's root record waits for: its predecessors, or its shards.
func RootNeed(need int) int {
	if s := BarrierShards(need); s > 1 {
		return s
	}
	return need
}
