package verify

import "errors"

// Sentinels for the problems this package finds itself; problems found by pkg/layout and
// pkg/checksum carry those packages' errors (layout.ErrMissingArtifact, checksum.ErrMismatch...).
var (
	// ErrIncompleteRun: the execution journal has operations that did not complete.
	ErrIncompleteRun = errors.New("execution journal has unfinished operations")
	// ErrMismatch: two documents of the backup disagree on a value.
	ErrMismatch = errors.New("documents disagree")
	// ErrNotInManifest: a document or the plan names a canister the manifest does not.
	ErrNotInManifest = errors.New("canister missing from the manifest")
	// ErrNotDurable: a download-journal artifact never became Durable.
	ErrNotDurable = errors.New("artifact not durable")
	// ErrUnsafeFile: a document or an artifact is, or holds, a symbolic link or a special file
	// (FIFO, device, socket). verify neither follows nor opens it.
	ErrUnsafeFile = errors.New("symbolic link or special file")
)

// Problem is one thing wrong with a backup directory: which file, and what.
type Problem struct {
	File    string `json:"file"` // relative to the backup directory; a directory ends in "/"
	Message string `json:"message"`
	Err     error  `json:"-"` // the sentinel or cause, for errors.Is
}

// String is "file: message", as verify prints a problem.
func (p Problem) String() string { return p.File + ": " + p.Message }
