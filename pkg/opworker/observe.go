package opworker

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// OutcomeHandedBack is the outcome of an attempt that ended without a receipt: its claim was
// lost or released (shutdown, a store error), and another delivery takes the operation again.
// The other outcomes are the receipts' (journal.Outcome: completed, failed).
const OutcomeHandedBack = "handed_back"

// Transfer names what an effect did with an artifact's bytes.
type Transfer string

// Transfers an Observer is told about.
const (
	Downloaded Transfer = "downloaded" // a snapshot downloaded into its staging directory
	Verified   Transfer = "verified"   // an artifact's bytes hashed and checked
	Uploaded   Transfer = "uploaded"   // an artifact uploaded to a canister (restores)
)

// Observer is told what the operation runtime and the effects do, for metrics (package metrics
// implements it). Its methods must be safe for concurrent use and must not block. Kinds are
// plan.OperationKind values; run kinds are runs.KindBackup or runs.KindRestore.
type Observer interface {
	// OperationEnded is called once per attempt at an operation: with the receipt's outcome
	// once it is recorded, or OutcomeHandedBack when the attempt ended without one.
	OperationEnded(kind, outcome string)
	// OperationTook is how long an operation's effect ran, for attempts whose receipt
	// (completed or failed) was recorded; containment's starts are not timed.
	OperationTook(kind string, d time.Duration)
	// LeaseTakenOver is called when a claim is taken from another worker whose lease lapsed.
	LeaseTakenOver(kind string)
	// CanisterDowntime is called when a start completes: d is the time since the completion of
	// the same canister's stop in the same run.
	CanisterDowntime(runKind string, d time.Duration)
	// TransferredBytes adds n bytes of artifacts to t.
	TransferredBytes(t Transfer, n int64)
}

type observerKey struct{}

// WithObserver returns ctx carrying o. Every Worker handling messages under ctx, and every
// effect it runs, reports to o; a process (or an embedded stack) puts its own Observer in the
// context it runs its stages with, so several of them in one process do not mix.
func WithObserver(ctx context.Context, o Observer) context.Context {
	return context.WithValue(ctx, observerKey{}, o)
}

// ObserverFrom is the Observer ctx carries, or nil.
func ObserverFrom(ctx context.Context) Observer {
	o, _ := ctx.Value(observerKey{}).(Observer)
	return o
}

// CountBytes tells ctx's Observer the size of the regular files under path (a file or a
// directory, symbolic links followed as the checksum follows them) as bytes of t. Without an
// Observer it reads nothing. An error walking path is ignored: a metric never fails an operation.
func CountBytes(ctx context.Context, t Transfer, path string) {
	o := ObserverFrom(ctx)
	if o == nil {
		return
	}
	if n, err := TreeSize(path); err == nil {
		o.TransferredBytes(t, n)
	}
}

// TreeSize is the total size of the regular files under path (a file or a directory).
func TreeSize(path string) (int64, error) {
	var total int64
	err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := os.Stat(p)
		if err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			total += info.Size()
		}
		return nil
	})
	return total, err
}

// ended tells ctx's Observer, if any, that an attempt at an operation of kind ended so.
func ended(ctx context.Context, kind, outcome string) {
	if o := ObserverFrom(ctx); o != nil {
		o.OperationEnded(kind, outcome)
	}
}
