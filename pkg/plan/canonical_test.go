package plan

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateCanonical(t *testing.T) {
	built := func() *Plan {
		p, err := Build(buildInput(ScopeSubtree, sp(APP)))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if err := built().ValidateCanonical(); err != nil {
		t.Fatalf("built plan: %v", err)
	}
	cases := []struct {
		name    string
		plan    func() *Plan
		wantErr error
	}{
		{"hand-built ids", fixturePlan, ErrNonCanonicalPhases},
		{"short hash", func() *Plan { p := built(); p.TopologyHashBeforeQuiesce = "abc"; return p }, ErrInvalidTopologyHash},
		{"dropped phase", func() *Plan { p := built(); p.Phases = p.Phases[:len(p.Phases)-1]; return p }, ErrNonCanonicalPhases},
		{"swapped starts", func() *Plan {
			p := built()
			p.Phases[8].OperationID, p.Phases[9].OperationID = p.Phases[9].OperationID, p.Phases[8].OperationID
			return p
		}, ErrNonCanonicalPhases},
		{"inconsistent depth", func() *Plan { p := built(); p.Targets[1].Depth = 5; return p }, ErrTargetGraph},
		{"disconnected target", func() *Plan { p := built(); p.Targets[1].ParentCanisterID = sp(OTHER); return p }, ErrTargetGraph},
		{"invalid plan first", func() *Plan { p := built(); p.Fleet = ""; return p }, ErrEmptyField},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.plan().ValidateCanonical(); !errors.Is(err, c.wantErr) {
				t.Fatalf("err = %v, want %v", err, c.wantErr)
			}
		})
	}
	nrf, err := Build(buildInput(ScopeNonRootFleet, nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := nrf.ValidateCanonical(); err != nil {
		t.Fatalf("non-root-fleet: %v", err)
	}
}

func TestIsHash(t *testing.T) {
	if !IsHash(HASH) || !IsHash(strings.ToUpper(HASH)) || IsHash(HASH[1:]) || IsHash(strings.Repeat("g", 64)) {
		t.Fatal("IsHash")
	}
}
