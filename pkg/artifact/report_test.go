package artifact

import (
	"testing"
)

// J3: a resume report over Created, Downloaded and Durable entries.
func TestResumeReport(t *testing.T) {
	j := New("run-1", hash)
	j.Upsert(entryIn(rootID, "s0", StateCreated))
	j.Upsert(entryIn(appID, "s1", StateDownloaded))
	j.Upsert(entryIn(workerID, "s2", StateDurable))
	r := j.ResumeReport()
	if r.TotalArtifacts != 3 || r.IsComplete || r.PendingArtifacts != 2 {
		t.Fatalf("J3 totals = %+v", r)
	}
	if r.BackupID != "run-1" || *r.DiscoveryTopologyHash != hash || *r.PreSnapshotTopologyHash != hash {
		t.Fatalf("J3 header = %+v", r)
	}
	want := ResumeCounts{Created: 1, Downloaded: 1, Durable: 1, Download: 1, VerifyChecksum: 1, Skip: 1}
	if r.Counts != want {
		t.Fatalf("J3 counts = %+v, want %+v", r.Counts, want)
	}
	if r.Artifacts[0].ResumeAction != ActionDownload || r.Artifacts[1].TempPath == nil || r.OperationMetrics.TargetCount != 3 {
		t.Fatalf("J3 artifacts = %+v", r.Artifacts)
	}
}

func TestResumeReportComplete(t *testing.T) {
	r := durableJournal().ResumeReport()
	if !r.IsComplete || r.PendingArtifacts != 0 || r.Counts.Skip != 1 || r.Counts.Finalize != 0 {
		t.Fatalf("report = %+v", r)
	}
	empty := New("run-1", hash).ResumeReport()
	if empty.Artifacts == nil || !empty.IsComplete {
		t.Fatalf("empty report = %+v", empty)
	}
}
