package plan

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels for the plan errors of DOMAIN §2.5 and §1.3, named after the reference variants.
// Every error this package returns for a rule violation is an *Error whose Unwrap gives one of them.
var (
	ErrEmptyField                          = errors.New("empty field")
	ErrMissingField                        = errors.New("missing or null field")
	ErrInvalidPrincipal                    = errors.New("invalid principal")
	ErrMaintenanceRootExcludesRoot         = errors.New("maintenance-root scope must include the root")
	ErrRootIncludedWithoutMaintenance      = errors.New("root included without maintenance-root scope")
	ErrEmptyTargets                        = errors.New("plan has no targets")
	ErrDuplicateTarget                     = errors.New("duplicate target")
	ErrEmptyPhases                         = errors.New("plan has no phases")
	ErrOperationOrderMismatch              = errors.New("operation order mismatch")
	ErrDuplicateOperationID                = errors.New("duplicate operation id")
	ErrUnknownOperationTarget              = errors.New("operation targets a canister that is not a plan target")
	ErrNonRootFleetHasSelectedRoot         = errors.New("non-root-fleet scope has a selected root")
	ErrSelectedRootNotInTargets            = errors.New("selected root is not a plan target")
	ErrMissingPreflight                    = errors.New("missing preflight operation")
	ErrMutationBeforePreflight             = errors.New("mutating operation before preflight")
	ErrUnprovenControlAuthority            = errors.New("unproven control authority")
	ErrUnprovenTargetSnapshotReadAuthority = errors.New("unproven target snapshot read authority")
	ErrMissingRootController               = errors.New("missing proven root controller")
	ErrDiscovery                           = errors.New("target discovery failed")
	ErrInvalidTopologyHash                 = errors.New("invalid topology hash")
	ErrNonCanonicalPhases                  = errors.New("phases differ from the ones generated from the targets")
	ErrTargetGraph                         = errors.New("target graph is not connected or not depth-consistent")
)

// Error is a plan rule violation: Err is the sentinel, the other fields say where.
// Fields that do not apply to the variant are empty (Index is -1 when no list position applies).
type Error struct {
	Err         error
	Field       string // document field, e.g. "targets[].canister_id"
	Index       int    // position in targets or phases, -1 when not applicable
	Value       string // offending value, for InvalidPrincipal and enum errors
	CanisterID  string // target canister, for per-target variants
	OperationID string // operation, for per-phase variants
	Order       uint32 // OperationOrderMismatch: the order found
	Expected    uint32 // OperationOrderMismatch: the order expected (the index)
	Label       string // MissingPreflight: topology | control_authority | snapshot_read_authority | quiescence_policy
}

func (e *Error) Error() string {
	var parts []string
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	if e.Field != "" {
		add("field %s", e.Field)
	}
	if e.Index >= 0 {
		add("index %d", e.Index)
	}
	if e.Value != "" || e.Err == ErrInvalidPrincipal {
		add("value %q", e.Value)
	}
	if e.CanisterID != "" {
		add("canister %s", e.CanisterID)
	}
	if e.OperationID != "" {
		add("operation %s", e.OperationID)
	}
	if e.Err == ErrOperationOrderMismatch {
		add("order %d, expected %d", e.Order, e.Expected)
	}
	if e.Label != "" {
		add("preflight %s", e.Label)
	}
	msg := "plan: " + e.Err.Error()
	if len(parts) > 0 {
		msg += " (" + strings.Join(parts, ", ") + ")"
	}
	return msg
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// DiscoveryError is a failure to select targets from the registry (DOMAIN §1.3), for example
// CanisterNotInRegistry. errors.Is matches both ErrDiscovery and the registry's own error.
type DiscoveryError struct {
	Selected string
	Err      error
}

func (e *DiscoveryError) Error() string {
	return fmt.Sprintf("plan: %s (selected %s): %v", ErrDiscovery, e.Selected, e.Err)
}

// Unwrap returns ErrDiscovery and the registry error.
func (e *DiscoveryError) Unwrap() []error { return []error{ErrDiscovery, e.Err} }

func fieldErr(sentinel error, field string) *Error {
	return &Error{Err: sentinel, Field: field, Index: -1}
}

func targetErr(sentinel error, field string, index int, id string) *Error {
	return &Error{Err: sentinel, Field: field, Index: index, CanisterID: id}
}

func principalErr(field string, index int, value string) *Error {
	return &Error{Err: ErrInvalidPrincipal, Field: field, Index: index, Value: value}
}

func enumErr(field string, index int, value string) *Error {
	return &Error{Err: ErrUnknownEnum, Field: field, Index: index, Value: value}
}
