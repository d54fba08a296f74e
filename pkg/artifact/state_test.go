package artifact

import (
	"encoding/json"
	"errors"
	"testing"
)

// J2: the resume action of each state.
func TestResumeActionFor(t *testing.T) {
	want := map[State]ResumeAction{
		StateCreated:          ActionDownload,
		StateDownloaded:       ActionVerifyChecksum,
		StateChecksumVerified: ActionFinalize,
		StateDurable:          ActionSkip,
		State("Other"):        "",
	}
	for s, a := range want {
		if got := ResumeActionFor(s); got != a {
			t.Errorf("J2: ResumeActionFor(%s) = %q, want %q", s, got, a)
		}
	}
}

func TestOrder(t *testing.T) {
	for i, s := range []State{StateCreated, StateDownloaded, StateChecksumVerified, StateDurable} {
		if s.Order() != i || !s.Valid() {
			t.Errorf("%s.Order() = %d, want %d", s, s.Order(), i)
		}
	}
	if State("created").Order() != -1 || State("").Valid() {
		t.Error("unknown states must have order -1")
	}
}

// J4: Durable → Downloaded is refused; same-state moves and forward skips are allowed.
func TestAdvanceTo(t *testing.T) {
	e := entryIn(appID, "s", StateDurable)
	err := e.AdvanceTo(StateDownloaded, "unix:99")
	var te *TransitionError
	if !errors.Is(err, ErrInvalidStateTransition) || !errors.As(err, &te) ||
		te.From != StateDurable || te.To != StateDownloaded || te.CanisterID != appID {
		t.Fatalf("J4: %v", err)
	}
	if e.State != StateDurable || e.UpdatedAt != "unix:10" {
		t.Fatalf("a refused move changed the entry: %+v", e)
	}
	steps := []State{StateCreated, StateCreated, StateChecksumVerified, StateDurable, StateDurable}
	c := NewEntry(appID, "s", appID, "unix:0")
	for i, next := range steps {
		stamp := "unix:" + string(rune('1'+i))
		if err := c.AdvanceTo(next, stamp); err != nil || c.State != next || c.UpdatedAt != stamp {
			t.Fatalf("AdvanceTo(%s) = %v, entry %+v", next, err, c)
		}
	}
	if err := c.AdvanceTo("Gone", "unix:9"); !errors.Is(err, ErrUnknownEnum) {
		t.Fatalf("unknown target state: %v", err)
	}
}

func TestEnumJSON(t *testing.T) {
	var s State
	if err := json.Unmarshal([]byte(`"ChecksumVerified"`), &s); err != nil || s != StateChecksumVerified {
		t.Fatalf("state = %q, %v", s, err)
	}
	for _, bad := range []string{`"checksum-verified"`, `""`, `null`, `3`} {
		if err := json.Unmarshal([]byte(bad), &s); err == nil {
			t.Errorf("state %s accepted", bad)
		}
	}
	var a ResumeAction
	if err := json.Unmarshal([]byte(`"VerifyChecksum"`), &a); err != nil || a != ActionVerifyChecksum {
		t.Fatalf("action = %q, %v", a, err)
	}
	if err := json.Unmarshal([]byte(`"verify-checksum"`), &a); !errors.Is(err, ErrUnknownEnum) {
		t.Fatalf("action accepted: %v", err)
	}
}
