package preflight

import (
	"errors"
	"fmt"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Sentinels shared with package plan: the reference reports these preflight failures with the
// plan's own variants, so errors.Is matches either name.
var (
	ErrEmptyField                          = plan.ErrEmptyField
	ErrInvalidPrincipal                    = plan.ErrInvalidPrincipal
	ErrInvalidTopologyHash                 = plan.ErrInvalidTopologyHash
	ErrUnprovenControlAuthority            = plan.ErrUnprovenControlAuthority
	ErrUnprovenTargetSnapshotReadAuthority = plan.ErrUnprovenTargetSnapshotReadAuthority
	ErrMissingRootController               = plan.ErrMissingRootController
)

// Sentinels for the preflight variants of DOMAIN §3.2 and §3.3.
var (
	ErrInvalidTimestamp                    = errors.New("invalid timestamp")
	ErrPreflightReceiptInvalidWindow       = errors.New("preflight receipt window is empty")
	ErrPreflightReceiptNotYetValid         = errors.New("preflight receipt not yet valid")
	ErrPreflightReceiptExpired             = errors.New("preflight receipt expired")
	ErrPreflightReceiptPlanMismatch        = errors.New("preflight receipt is for another plan")
	ErrPreflightReceiptIDMismatch          = errors.New("preflight receipt has another preflight id")
	ErrAuthorityReceiptPlanMismatch        = errors.New("authority receipt is for another plan")
	ErrAuthorityReceiptPreflightMismatch   = errors.New("authority receipt has another preflight id")
	ErrUnknownAuthorityReceiptTarget       = errors.New("authority receipt for a canister that is not a plan target")
	ErrDuplicateAuthorityReceipt           = errors.New("second authority receipt for one target")
	ErrMissingControlAuthorityReceipt      = errors.New("missing control authority receipt")
	ErrMissingSnapshotReadAuthorityReceipt = errors.New("missing snapshot read authority receipt")
	ErrTopologyPreflightHashMismatch       = errors.New("topology hash at preflight differs from the plan")
	ErrTopologyPreflightTargetsMismatch    = errors.New("topology receipt targets differ from the plan")
	ErrQuiescencePolicyMismatch            = errors.New("quiescence receipt policy differs from the plan")
	ErrQuiescencePreflightRejected         = errors.New("quiescence policy rejected")
	ErrQuiescencePreflightTargetsMismatch  = errors.New("quiescence receipt targets differ from the plan")
	// ErrPreflightFailed marks a failure to gather receipts (Prove): registry fetch, parse,
	// hash or a status call. The cause stays matchable (executor.ErrTransient, ...).
	ErrPreflightFailed = errors.New("preflight failed")
)

// Error is a rejected receipt or bundle: Err is the sentinel, the other fields say where.
// Fields that do not apply to the variant are empty; Index is -1 when no list position applies.
type Error struct {
	Err         error
	Field       string // e.g. "preflight_receipts[].validated_at"
	Index       int    // receipt index (authority receipts) or target index, -1 otherwise
	Value       string // InvalidTimestamp, InvalidTopologyHash, InvalidPrincipal
	CanisterID  string
	PreflightID string // window variants
	ValidatedAt string // InvalidWindow, NotYetValid
	ExpiresAt   string // InvalidWindow, Expired
	AsOf        string // NotYetValid, Expired
	Expected    string // mismatch variants: the plan's (or bundle's) value
	Actual      string // mismatch variants: the receipt's value
}

func (e *Error) Error() string {
	var parts []string
	add := func(name, v string) {
		if v != "" {
			parts = append(parts, name+" "+v)
		}
	}
	add("field", e.Field)
	if e.Index >= 0 {
		parts = append(parts, fmt.Sprintf("index %d", e.Index))
	}
	if e.Value != "" {
		parts = append(parts, fmt.Sprintf("value %q", e.Value))
	}
	add("canister", e.CanisterID)
	add("preflight", e.PreflightID)
	add("validated_at", e.ValidatedAt)
	add("expires_at", e.ExpiresAt)
	add("as_of", e.AsOf)
	if e.Expected != "" || e.Actual != "" {
		parts = append(parts, fmt.Sprintf("expected %q, actual %q", e.Expected, e.Actual))
	}
	msg := "preflight: " + e.Err.Error()
	if len(parts) > 0 {
		msg += " (" + strings.Join(parts, ", ") + ")"
	}
	return msg
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// ProofError is a failure of Prove at one step ("registry", "parse", "hash" or "status").
// errors.Is matches ErrPreflightFailed and the cause.
type ProofError struct {
	Step       string
	CanisterID string
	Err        error
}

func (e *ProofError) Error() string {
	return fmt.Sprintf("preflight: %s of %s failed: %v", e.Step, e.CanisterID, e.Err)
}

// Unwrap returns ErrPreflightFailed and the cause.
func (e *ProofError) Unwrap() []error { return []error{ErrPreflightFailed, e.Err} }

func fieldErr(sentinel error, field string, index int) *Error {
	return &Error{Err: sentinel, Field: field, Index: index}
}

func mismatch(sentinel error, field string, index int, expected, actual string) *Error {
	return &Error{Err: sentinel, Field: field, Index: index, Expected: expected, Actual: actual}
}
