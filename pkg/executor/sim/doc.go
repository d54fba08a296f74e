// Package sim is a simulated Internet Computer fleet that implements executor.Executor.
//
// It keeps the IC's rules that a backup depends on (a snapshot needs a stopped canister, a
// canister holds a bounded number of snapshots, stop waits while the canister is stopping) and
// writes artifact directories shaped like those of `icp canister snapshot download`. A canister
// at its limit can still be snapshotted in place of one of its own snapshots (ReplaceSnapshot, as
// `icp canister snapshot create --replace`); the history names the snapshot replaced.
//
// Each canister holds content (data named by a digest, a memory size, a module hash). Mutate
// changes the data as using the fleet would; a snapshot captures the content, and an artifact's
// bytes depend on that content alone, so backups of equal content have equal checksums. Restore
// works the other way (executor.Restorer): UploadSnapshot accepts only a directory whose bytes are
// exactly what the content its metadata names produces, and LoadSnapshot puts a snapshot's content
// back into a stopped canister.
//
// All state lives in a state directory, so several processes (the services of a pipeline, a fake
// `icp` program, a test) that open the same directory see one fleet:
//
//	fleet.json               the simulated fleet, in the registry's {"Ok": [...]} shape
//	canisters/<pid>.json     one canister's status, content and snapshots, rewritten in place under its flock
//	faults.json              faults injected by InjectFault, consumed by matching calls
//	history.jsonl            one JSON line per call, in the order the calls finished
//
// Every call costs a constant number of file operations, whatever the size of the fleet.
package sim
