package artifact

import (
	"encoding/json"
)

var states = []State{StateCreated, StateDownloaded, StateChecksumVerified, StateDurable}

var actions = map[State]ResumeAction{
	StateCreated:          ActionDownload,
	StateDownloaded:       ActionVerifyChecksum,
	StateChecksumVerified: ActionFinalize,
	StateDurable:          ActionSkip,
}

// Order is the state's rank, Created(0) < Downloaded(1) < ChecksumVerified(2) < Durable(3),
// or -1 for a value that is not a state.
func (s State) Order() int {
	for i, known := range states {
		if s == known {
			return i
		}
	}
	return -1
}

// Valid reports whether s is one of the four states.
func (s State) Valid() bool { return s.Order() >= 0 }

// UnmarshalJSON accepts exactly the four PascalCase state names.
func (s *State) UnmarshalJSON(b []byte) error {
	var text string
	if err := json.Unmarshal(b, &text); err != nil {
		return err
	}
	if !State(text).Valid() {
		return &EnumError{Field: "state", Value: text}
	}
	*s = State(text)
	return nil
}

// ResumeActionFor is what a resume does next with an entry in state s (DOMAIN §5.2):
// Created→Download, Downloaded→VerifyChecksum, ChecksumVerified→Finalize, Durable→Skip.
// It returns "" for a value that is not a state.
func ResumeActionFor(s State) ResumeAction {
	return actions[s]
}

// Valid reports whether a is one of the four resume actions.
func (a ResumeAction) Valid() bool {
	for _, known := range actions {
		if a == known {
			return true
		}
	}
	return false
}

// UnmarshalJSON accepts exactly the four PascalCase action names.
func (a *ResumeAction) UnmarshalJSON(b []byte) error {
	var text string
	if err := json.Unmarshal(b, &text); err != nil {
		return err
	}
	if !ResumeAction(text).Valid() {
		return &EnumError{Field: "resume_action", Value: text}
	}
	*a = ResumeAction(text)
	return nil
}
