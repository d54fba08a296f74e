package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
)

// A refused publish says why: a viewer submitting a backup request and an operator submitting
// a restore get an error naming the server's permissions violation and the subject, not only
// a timeout waiting for an acknowledgement that never comes.
func TestRefusedPublishNamesTheViolation(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{1, 2}), 1024)
	s := newSecured(t, f, 2*time.Minute)
	s.startPulling(s.ctx, bus.IdentityPlanner) // sets the installation up
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	viewer := s.storeAs(ctx, bus.IdentityViewer)
	operator := s.storeAs(ctx, bus.IdentityOperator)
	for _, tc := range []struct {
		who     string
		submit  func(context.Context) error
		subject string
	}{
		{"viewer", func(c context.Context) error { return client.Submit(c, viewer, []byte(`{}`), "") }, viewer.Names.RequestSubject()},
		{"operator", func(c context.Context) error { return client.SubmitRestore(c, operator, []byte(`{}`), "") }, operator.Names.RestoreRequestSubject()},
	} {
		c, stop := context.WithTimeout(ctx, 10*time.Second)
		err := tc.submit(c)
		stop()
		if err == nil || !strings.Contains(err.Error(), "Permissions Violation") || !strings.Contains(err.Error(), tc.subject) {
			t.Errorf("a refused publish by the %s = %v, want the permissions violation on %s named", tc.who, err, tc.subject)
		}
	}
}
