package registry

import (
	"errors"
	"reflect"
	"testing"
)

func TestResolveSelector(t *testing.T) {
	entries := threeEntries()
	twoWorkers := append(threeEntries(), entry(other, "worker", app))
	principalRole := append(threeEntries(), entry(other, app, root))
	for _, tc := range []struct {
		name     string
		entries  []Entry
		selector string
		want     string
		err      error
	}{
		{"P13 by principal", entries, app, app, nil},
		{"P13 by role", entries, "app", app, nil},
		{"P14 ambiguous role", twoWorkers, "worker", "", ErrAmbiguousSelector},
		{"P15 unknown role", entries, "missing-role", "", ErrUnknownSelector},
		{"unknown principal", entries, other, "", ErrUnknownSelector},
		{"principal never matches a role", principalRole[1:], app, app, nil},
		{"principal-shaped role unmatched", []Entry{entry(other, app, "")}, app, "", ErrUnknownSelector},
		{"empty", entries, "", "", ErrEmptyField},
		{"whitespace", entries, " \t\u00a0\n", "", ErrEmptyField},
		{"role match is exact", entries, "App", "", ErrUnknownSelector},
		{"role with spaces is exact", []Entry{entry(other, " app ", "")}, " app ", other, nil},
		{"nil registry", nil, "app", "", ErrUnknownSelector},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ResolveSelector(tc.entries, tc.selector)
			if got != tc.want || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("ResolveSelector(%q) = %q, %v; want %q, %v", tc.selector, got, err, tc.want, tc.err)
			}
		})
	}
}

// P14: the matches are reported in registry order.
func TestResolveSelectorAmbiguousMatches(t *testing.T) {
	_, err := ResolveSelector(append(threeEntries(), entry(other, "worker", app)), "worker")
	var amb *AmbiguousSelectorError
	if !errors.As(err, &amb) {
		t.Fatalf("err = %v", err)
	}
	if amb.Selector != "worker" || !reflect.DeepEqual(amb.Matches, []string{worker, other}) {
		t.Fatalf("got %+v", amb)
	}
	var empty *FieldError
	if _, err := ResolveSelector(nil, ""); !errors.As(err, &empty) || empty.Field != "selector" {
		t.Fatalf("empty selector: %v", err)
	}
	var unknown *UnknownSelectorError
	if _, err := ResolveSelector(nil, "missing-role"); !errors.As(err, &unknown) || unknown.Selector != "missing-role" {
		t.Fatalf("P15: %v", err)
	}
}
