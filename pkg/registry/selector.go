package registry

import (
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// ResolveSelector turns a --subtree selector into one canister id (DOMAIN §1.2). A selector that
// is a valid principal text must be some entry's pid and is never matched as a role; any other
// selector must be the role of exactly one entry.
func ResolveSelector(entries []Entry, selector string) (string, error) {
	if strings.TrimSpace(selector) == "" {
		return "", &FieldError{Field: "selector"}
	}
	if principal.Valid(selector) {
		for _, e := range entries {
			if e.Pid == selector {
				return selector, nil
			}
		}
		return "", &UnknownSelectorError{Selector: selector}
	}
	var matches []string
	for _, e := range entries {
		if e.Role != nil && *e.Role == selector {
			matches = append(matches, e.Pid)
		}
	}
	switch len(matches) {
	case 0:
		return "", &UnknownSelectorError{Selector: selector}
	case 1:
		return matches[0], nil
	default:
		return "", &AmbiguousSelectorError{Selector: selector, Matches: matches}
	}
}
