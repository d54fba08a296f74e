// Package journal is the execution journal of a backup run (DOMAIN §4): one operation per plan
// phase with its state, and the append-only receipts of every operation attempt.
//
// The state machine is written once, for ONE operation at a time, so that the pipeline can keep
// each operation in its own KV record and let workers change operations concurrently without
// reading the others (which would cost O(N²) per run):
//
//   - NewOperation creates an operation from a plan phase; AcceptOp, ClaimOp, RecordOp and RetryOp
//     are the transitions; ValidateOp and ValidateReceipt are the rules. Their only context is the
//     run's Header (plan, run and preflight ids, acceptance) or a flag from it. Each is atomic:
//     on error the operation is unchanged.
//   - Counts keeps the number of operations per state plus what restart_required needs (completed
//     stops, unfinished starts); Apply(kind, from, to) keeps it current after each transition, so
//     the summary and restart_required are O(1).
//   - Assemble builds the whole document from per-operation records and the receipts, for export
//     as backup-execution-journal.json.
//
// The whole-document API on *Journal (New, AcceptPreflight, MarkPending, RecordReceipt,
// RetryFailed, NextReady, Summary, Validate, Load) is the reference runner's, built on the same
// per-operation functions plus what only a whole document knows: strict plan order (NextReady)
// and whole-journal validation. Its transitions are atomic too (the reference leaves a failed
// RecordReceipt's state change in memory; callers abandon the journal then, so nothing observable
// differs).
//
// Not here: the pipeline's claim metadata (worker id, attempt, lease) belongs to the store's
// record around an Operation; taking over a pending operation whose lease expired is not a state
// transition (the reference also re-executes a pending operation without re-marking it).
package journal
