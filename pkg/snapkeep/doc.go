// Package snapkeep holds the domain rules of snapshot retention on canisters (issue 13): which
// of a canister's snapshots fleetbackup took, which of those a completed run keeps
// (keep_snapshots, the newest first) and deletes, which one a create at the canister's snapshot
// limit replaces, and the durable record of what was deleted (snapshot-retention.json in the
// run's backup directory). It reads files and talks to no NATS server: fleetbackup's own run
// store reaches it through the Ledger interface.
//
// A snapshot is fleetbackup's when a completed backup directory under the backup root names it
// for that canister in a manifest that validates, and fleetbackup's own records (the Ledger: the
// run store in KV) vouch for that claim: the run is a backup fleetbackup completed, and the
// artifact record it kept for that canister names the same snapshot. A manifest written by
// anyone else, or edited, never makes a snapshot fleetbackup's; snapshots fleetbackup did not
// take are never deleted or replaced.
package snapkeep
