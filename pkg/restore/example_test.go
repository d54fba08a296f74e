package restore

import (
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// A plan orders members parent before child whatever the manifest's order, and its journal runs
// the phases: uploads, stops parent first, loads, starts child first, checks, finalize.
func ExampleBuildPlan() {
	p, err := BuildPlan(fixtureA(plan.IdentityRelocatable), mapping(rootID, rootID, childID, targetID))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range p.Members {
		fmt.Println(m.MemberOrder, m.Role, m.SourceCanister, "→", m.TargetCanister)
	}
	for _, op := range Operations(p) {
		fmt.Println(op.Sequence, op.Operation, op.TargetCanister)
	}
	// Output:
	// 0 root aaaaa-aa → aaaaa-aa
	// 1 app renrk-eyaaa-aaaaa-aaada-cai → rno2w-sqaaa-aaaaa-aaacq-cai
	// 0 upload-snapshot aaaaa-aa
	// 1 upload-snapshot rno2w-sqaaa-aaaaa-aaacq-cai
	// 2 stop aaaaa-aa
	// 3 stop rno2w-sqaaa-aaaaa-aaacq-cai
	// 4 load-snapshot aaaaa-aa
	// 5 load-snapshot rno2w-sqaaa-aaaaa-aaacq-cai
	// 6 start rno2w-sqaaa-aaaaa-aaacq-cai
	// 7 start aaaaa-aa
	// 8 check-member aaaaa-aa
	// 9 check-member rno2w-sqaaa-aaaaa-aaacq-cai
	// 10 finalize-restore aaaaa-aa
}

// A failed operation stops the restore for an operator: the report says so and what to do.
func ExampleJournal_Report() {
	p, _ := BuildPlan(fixtureA(plan.IdentityRelocatable), nil)
	v := &ArtifactValidation{BackupRoot: "/backups/nightly", CheckedMembers: 2, ArtifactsPresent: true, ChecksumsVerified: true}
	for _, m := range p.Members {
		v.Checks = append(v.Checks, ArtifactCheck{SourceCanister: m.SourceCanister, TargetCanister: m.TargetCanister,
			SnapshotID: m.SourceSnapshot.SnapshotID, ArtifactPath: m.SourceSnapshot.ArtifactPath,
			ChecksumExpected: m.SourceSnapshot.Checksum})
	}
	j, _ := NewJournal(p, v)
	_ = j.ClaimUpload(0, "unix:10", []string{}, StrictOrder{})
	_ = j.Fail(0, Attempt{At: "unix:11", Status: "1", Command: Command{Program: "icp",
		Args: []string{"canister", "snapshot", "upload"}, Note: "upload"}}, "runner-command-exit-1", StrictOrder{})
	r := j.Report()
	fmt.Println(r.Outcome, r.AttentionRequired, r.NextAction)
	// Output: failed true retry-failed
}
