// Package sim is a simulated Internet Computer fleet that implements executor.Executor.
//
// It keeps the IC's rules that a backup depends on (a snapshot needs a stopped canister, a
// canister holds a bounded number of snapshots, stop waits while the canister is stopping) and
// writes artifact directories shaped like those of `icp canister snapshot download`.
//
// All state lives in a state directory, so several processes (the services of a pipeline, a fake
// `icp` program, a test) that open the same directory see one fleet:
//
//	fleet.json               the simulated fleet, in the registry's {"Ok": [...]} shape
//	canisters/<pid>.json     one canister's status and snapshots, rewritten in place under its flock
//	faults.json              faults injected by InjectFault, consumed by matching calls
//	history.jsonl            one JSON line per call, in the order the calls finished
//
// Every call costs a constant number of file operations, whatever the size of the fleet.
package sim
