package retention

import "errors"

// Sentinels of the package; match them with errors.Is.
var (
	// ErrEmptyPolicy is a policy that keeps nothing. Like restic's forget, prune refuses it
	// rather than remove every backup.
	ErrEmptyPolicy = errors.New("the policy keeps nothing: give at least one --keep-* count above 0")
	// ErrNegativeCount is a keep-* count below zero.
	ErrNegativeCount = errors.New("a keep-* count is negative")
	// ErrChanged is a backup directory that changed between the plan and its removal (it gained
	// or lost its manifest, or a restore began reading it); it is left alone.
	ErrChanged = errors.New("backup directory changed since it was planned for removal")
)
