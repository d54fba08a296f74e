package bus

import "testing"

func TestRunIDOfSubjects(t *testing.T) {
	n, err := NewNames("acme")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		subject string
		control string // "" when ControlRunID must refuse it
		intern  string // "" when InternalRunID must refuse it
	}{
		{n.ControlSubject("nightly-1"), "nightly-1", ""},
		{n.InternalSubject("nightly-1"), "", "nightly-1"},
		{"acme.runs.control.", "", ""},
		{"acme.runs.control.a.b", "", ""},      // two tokens
		{"acme.runs.control.-x", "", ""},       // a run id starts with a letter or digit
		{"fleetbackup.runs.control.x", "", ""}, // another installation
		{"acme.runs.request", "", ""},
		{"acme.runs.internal.*", "", ""},
	} {
		if got, ok := n.ControlRunID(tc.subject); got != tc.control || ok != (tc.control != "") {
			t.Errorf("ControlRunID(%q) = %q, %v; want %q", tc.subject, got, ok, tc.control)
		}
		if got, ok := n.InternalRunID(tc.subject); got != tc.intern || ok != (tc.intern != "") {
			t.Errorf("InternalRunID(%q) = %q, %v; want %q", tc.subject, got, ok, tc.intern)
		}
	}
}

func TestWireNames(t *testing.T) {
	def, _ := NewNames("")
	acme, _ := NewNames("acme")
	for _, tc := range []struct{ got, want string }{
		{def.LocksBucket(), "fleetbackup_locks"},
		{acme.LocksBucket(), "acme_locks"},
		{def.InternalSubject("r1"), "fleetbackup.runs.internal.r1"},
		{def.InternalWildcard(), "fleetbackup.runs.internal.*"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
