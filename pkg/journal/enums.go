package journal

import (
	"encoding/json"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Valid reports whether s is one of the six operation states.
func (s State) Valid() bool {
	switch s {
	case StateReady, StatePending, StateBlocked, StateCompleted, StateFailed, StateSkipped:
		return true
	}
	return false
}

// Done reports whether s counts as finished: completed or skipped.
func (s State) Done() bool { return s == StateCompleted || s == StateSkipped }

// needsReason reports whether an operation in state s must carry at least one reason
// (blocked, failed); the other states must carry none.
func (s State) needsReason() bool { return s == StateBlocked || s == StateFailed }

// Valid reports whether o is one of the three receipt outcomes.
func (o Outcome) Valid() bool {
	return o == OutcomeCompleted || o == OutcomeFailed || o == OutcomeSkipped
}

// State is the operation state a receipt with outcome o leads to.
func (o Outcome) State() State { return State(o) }

// UnmarshalJSON rejects values that are not operation states.
func (s *State) UnmarshalJSON(b []byte) error {
	v, err := decodeEnum(b, "state")
	if err != nil {
		return err
	}
	if !State(v).Valid() {
		return fmt.Errorf("%w: state %q", plan.ErrUnknownEnum, v)
	}
	*s = State(v)
	return nil
}

// UnmarshalJSON rejects values that are not receipt outcomes.
func (o *Outcome) UnmarshalJSON(b []byte) error {
	v, err := decodeEnum(b, "outcome")
	if err != nil {
		return err
	}
	if !Outcome(v).Valid() {
		return fmt.Errorf("%w: outcome %q", plan.ErrUnknownEnum, v)
	}
	*o = Outcome(v)
	return nil
}

func decodeEnum(b []byte, name string) (string, error) {
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return v, nil
}
