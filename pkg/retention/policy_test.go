package retention

import (
	"errors"
	"testing"
)

func TestPolicyValidate(t *testing.T) {
	cases := []struct {
		name   string
		policy Policy
		want   error
	}{
		{"keep-last alone", Policy{Last: 1}, nil},
		{"every rule", Policy{Last: 3, Daily: 7, Weekly: 4, Monthly: 12}, nil},
		{"monthly alone", Policy{Monthly: 1}, nil},
		{"nothing", Policy{}, ErrEmptyPolicy},
		{"negative", Policy{Last: 1, Weekly: -1}, ErrNegativeCount},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.policy.Validate(); !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Fatalf("Validate() = %v, want %v", err, c.want)
			}
		})
	}
}

func TestPolicyString(t *testing.T) {
	if got := (Policy{Last: 3, Weekly: 4}).String(); got != "last 3, weekly 4" {
		t.Fatalf("String() = %q", got)
	}
	if got := (Policy{}).String(); got != "nothing" {
		t.Fatalf("String() = %q", got)
	}
}
