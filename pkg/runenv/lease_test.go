package runenv_test

import (
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
)

// The management lease is configurable, never longer than the lease, and a short lease
// shortens both.
func TestLeaseForSettings(t *testing.T) {
	for _, tc := range []struct {
		lease, managementLease time.Duration
		management, transfer   time.Duration
	}{
		{0, 0, 5 * time.Second, 30 * time.Second},
		{0, 2 * time.Second, 2 * time.Second, 30 * time.Second},
		{2 * time.Second, 0, 2 * time.Second, 2 * time.Second},
		{10 * time.Second, 20 * time.Second, 10 * time.Second, 10 * time.Second},
	} {
		env := &runenv.Env{Lease: tc.lease, ManagementLease: tc.managementLease}
		if got := env.LeaseFor(plan.KindStop); got != tc.management {
			t.Errorf("Env{Lease: %s, ManagementLease: %s}: stop lease %s, want %s", tc.lease, tc.managementLease, got, tc.management)
		}
		if got := env.LeaseFor(plan.KindDownloadSnapshot); got != tc.transfer {
			t.Errorf("Env{Lease: %s, ManagementLease: %s}: download lease %s, want %s", tc.lease, tc.managementLease, got, tc.transfer)
		}
	}
}

func TestManagementCall(t *testing.T) {
	for kind, want := range map[plan.OperationKind]bool{
		plan.KindStop: true, plan.KindCreateSnapshot: true, plan.KindStart: true, plan.KindLoadSnapshot: true,
		plan.KindCheckMember: true, plan.KindDownloadSnapshot: false, plan.KindUploadSnapshot: false,
		plan.KindVerifyArtifact: false, plan.KindFinalizeManifest: false, plan.KindFinalizeRestore: false,
		plan.KindValidateTopology: false,
	} {
		if got := runenv.ManagementCall(kind); got != want {
			t.Errorf("ManagementCall(%s) = %v, want %v", kind, got, want)
		}
	}
}
