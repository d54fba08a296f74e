// Package verify checks a backup directory offline and names every problem it finds, where
// pkg/layout's integrity checks stop at the first: each document is read and validated on its
// own, then the documents are compared with each other (plan ↔ execution journal, manifest ↔
// download journal, plan ↔ manifest, receipts ↔ download journal), and every artifact's
// checksum is recomputed from disk.
package verify

import (
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Report is everything Check found.
type Report struct {
	Dir       string                  `json:"dir"`
	Verified  bool                    `json:"verified"`
	BackupID  string                  `json:"backup_id"`
	Problems  []Problem               `json:"problems"`
	Warnings  []Problem               `json:"warnings"`
	Execution *layout.ExecutionReport `json:"execution"`
	Artifacts []Artifact              `json:"artifacts"`
}

// Artifact is one artifact as found on disk.
type Artifact struct {
	CanisterID   string `json:"canister_id"`
	SnapshotID   string `json:"snapshot_id"`
	ArtifactPath string `json:"artifact_path"`
	Checksum     string `json:"checksum"`
	Bytes        int64  `json:"bytes"`
	Verified     bool   `json:"verified"`
}

// checker holds the documents as read (nil when unreadable) while the checks run.
type checker struct {
	dir      string
	r        *Report
	plan     *plan.Plan
	journal  *journal.Journal
	download *artifact.Journal
	manifest *manifest.Manifest
}

// Check verifies the backup directory dir and reports every problem found.
func Check(dir string) *Report {
	c := &checker{dir: dir, r: &Report{Dir: dir, Problems: []Problem{}, Warnings: []Problem{}, Artifacts: []Artifact{}}}
	c.read()
	c.checkExecution()
	c.checkBinding()
	c.checkPlanManifest()
	c.checkReceipts()
	c.checkArtifacts()
	c.checkStrays()
	c.r.Verified = len(c.r.Problems) == 0
	return c.r
}

func (c *checker) problem(file string, err error, format string, args ...any) {
	c.r.Problems = append(c.r.Problems, Problem{File: file, Message: fmt.Sprintf(format, args...), Err: err})
}

func (c *checker) warning(file, format string, args ...any) {
	c.r.Warnings = append(c.r.Warnings, Problem{File: file, Message: fmt.Sprintf(format, args...)})
}

// read reads and validates each document on its own; one that is a symbolic link or a special
// file is a problem and is not opened.
func (c *checker) read() {
	var err error
	if c.plainDocument(layout.PlanFile) {
		if c.plan, err = layout.ReadPlan(c.dir); err != nil {
			c.documentProblem(layout.PlanFile, err)
		}
	}
	if c.plainDocument(layout.ExecutionJournalFile) {
		if c.journal, err = layout.ReadJournal(c.dir); err != nil {
			c.documentProblem(layout.ExecutionJournalFile, err)
		}
	}
	if c.plainDocument(layout.DownloadJournalFile) {
		if c.download, err = layout.ReadDownloadJournal(c.dir); err != nil {
			c.documentProblem(layout.DownloadJournalFile, err)
		}
	}
	if c.plainDocument(layout.ManifestFile) {
		if c.manifest, err = layout.ReadManifest(c.dir); err != nil {
			c.documentProblem(layout.ManifestFile, err)
		}
	}
	switch {
	case c.manifest != nil:
		c.r.BackupID = c.manifest.BackupID
	case c.download != nil:
		c.r.BackupID = c.download.BackupID
	case c.plan != nil:
		c.r.BackupID = c.plan.RunID
	}
}
