package runs

import (
	"errors"
	"fmt"
)

// ErrRefused is matched (errors.Is) by every refusal of the machine.
var ErrRefused = errors.New("run transition refused")

// Refusal says that an event does not apply to a run in its current state.
type Refusal struct {
	RunID  string
	Event  string
	State  State
	Reason string
}

func (e *Refusal) Error() string {
	msg := fmt.Sprintf("run %s is %s: %s refused", e.RunID, e.State, e.Event)
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrRefused) true.
func (e *Refusal) Unwrap() error { return ErrRefused }

func refuse(r *Record, ev Event, reason string) error {
	return &Refusal{RunID: r.RunID, Event: ev.Name(), State: r.State, Reason: reason}
}

// in reports whether s is one of states.
func in(s State, states ...State) bool {
	for _, x := range states {
		if s == x {
			return true
		}
	}
	return false
}
