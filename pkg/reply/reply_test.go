package reply

import "testing"

// The planner answers only on inbox subjects: never on a subject a service consumes, a
// wildcard or a malformed subject.
func TestIsInbox(t *testing.T) {
	for subject, want := range map[string]bool{
		"_INBOX.abc":              true,
		"_INBOX.abc.def":          true,
		"":                        false,
		"_INBOX.":                 false,
		"_INBOX":                  false,
		"fleetbackup.ops.stop":    false,
		"fb.runs.internal.r1":     false,
		"_INBOX.>":                false,
		"_INBOX.*":                false,
		"_INBOX.a b":              false,
		"_INBOX..a":               false,
		"_INBOX.a.":               false,
		"x._INBOX.a":              false,
		"_inbox.a":                false,
		"_INBOX.a\nfleetbackup.x": false,
	} {
		if got := IsInbox(subject); got != want {
			t.Errorf("IsInbox(%q) = %v, want %v", subject, got, want)
		}
	}
}
