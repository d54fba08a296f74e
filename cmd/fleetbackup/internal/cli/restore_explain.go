package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
)

// Document names as a backup directory holds them, for rejection reasons.
const (
	manifestFile        = "fleet-backup-manifest.json"
	downloadJournalFile = "download-journal.json"
)

// explainAdmission turns a refused admission into its step and one sentence naming what is wrong:
// which artifact, document, member or canister. The full error follows it in the output.
func explainAdmission(dir string, err error) (step, reason string) {
	step = "admission"
	var ae *restore.AdmissionError
	if errors.As(err, &ae) {
		step = ae.Step
	}
	if reason = explainArtifact(dir, err); reason != "" {
		return step, reason
	}
	if reason = explainDocuments(err); reason != "" {
		return step, reason
	}
	if reason = explainMapping(err); reason != "" {
		return step, reason
	}
	return step, fmt.Sprint(unwrapAdmission(err))
}

// unwrapAdmission drops the AdmissionError's own prefix, which the output already says.
func unwrapAdmission(err error) error {
	var ae *restore.AdmissionError
	if errors.As(err, &ae) && ae.Err != nil {
		return ae.Err
	}
	return err
}

// explainArtifact names an artifact whose bytes or presence do not match the manifest.
func explainArtifact(dir string, err error) string {
	var le *layout.Error
	var re *restore.Error
	name, canister := "", ""
	switch {
	case errors.As(err, &le) && le.Path != "":
		name, canister = relPath(dir, le.Path)+"/", le.CanisterID
	case errors.As(err, &re) && re.Value != "" && re.Source != "":
		name, canister = re.Value+"/", re.Source
	}
	switch {
	case name == "":
		return ""
	case errors.Is(err, checksum.ErrMismatch), errors.Is(err, layout.ErrArtifactChecksum),
		errors.Is(err, restore.ErrArtifactChecksum):
		return fmt.Sprintf("artifact %s of canister %s does not match its SHA-256: its bytes changed since the backup", name, canister)
	case errors.Is(err, layout.ErrMissingArtifact), errors.Is(err, restore.ErrArtifactMissing):
		return fmt.Sprintf("artifact %s of canister %s is missing", name, canister)
	case errors.Is(err, restore.ErrArtifactUnsafeType), errors.Is(err, restore.ErrArtifactPathEscapesBackup),
		errors.Is(err, layout.ErrArtifactPathEscapesBackup):
		return fmt.Sprintf("artifact %s of canister %s is not a plain directory inside the backup", name, canister)
	}
	return ""
}

// explainDocuments names a backup document that is missing, invalid, or disagrees with another.
func explainDocuments(err error) string {
	var le *layout.Error
	canister := ""
	if errors.As(err, &le) && le.CanisterID != "" {
		canister = " (canister " + le.CanisterID + ")"
	}
	switch {
	case errors.Is(err, layout.ErrManifestJournalChecksumMismatch), errors.Is(err, layout.ErrManifestJournalArtifactPathMismatch),
		errors.Is(err, layout.ErrBackupIDMismatch), errors.Is(err, layout.ErrManifestJournalTopologyReceiptMismatch):
		return fmt.Sprintf("%s differs from %s%s: the manifest (or the journal) was edited after the backup", manifestFile, downloadJournalFile, canister)
	case errors.Is(err, layout.ErrMissingJournalArtifact), errors.Is(err, layout.ErrUnexpectedJournalArtifact),
		errors.Is(err, layout.ErrNonDurableArtifact), errors.Is(err, layout.ErrMissingJournalArtifactChecksum):
		return fmt.Sprintf("%s and %s do not list the same finished artifacts%s", manifestFile, downloadJournalFile, canister)
	case errors.Is(err, fs.ErrNotExist):
		return "a document of the backup is missing: " + missingName(err)
	case errors.Is(err, layout.ErrInvalidManifest), errors.Is(err, layout.ErrInvalidJournal), errors.Is(err, layout.ErrDecode):
		return "a document of the backup is invalid: " + documentName(err)
	case errors.Is(err, restore.ErrNotReady):
		var re *restore.Error
		if errors.As(err, &re) {
			return "the backup is not restore-ready: " + strings.Join(re.Reasons, ", ")
		}
	}
	return ""
}

// explainMapping names the member or canister a mapping gets wrong (RESTORE §2.1).
func explainMapping(err error) string {
	var re *restore.Error
	if !errors.As(err, &re) {
		return ""
	}
	switch {
	case errors.Is(err, restore.ErrDuplicateMappingTarget):
		return fmt.Sprintf("the mapping names target canister %s twice", re.Target)
	case errors.Is(err, restore.ErrDuplicateMappingSource):
		return fmt.Sprintf("the mapping names source canister %s twice", re.Source)
	case errors.Is(err, restore.ErrMissingMappingSource):
		return fmt.Sprintf("the mapping misses member %s: it must list every member (map an in-place member to itself)", re.Source)
	case errors.Is(err, restore.ErrUnknownMappingSource):
		return fmt.Sprintf("the mapping names %s, which is not a member of this backup", re.Source)
	case errors.Is(err, restore.ErrInvalidPrincipal):
		return fmt.Sprintf("%s %q is not a canister id", re.Field, re.Value)
	case errors.Is(err, restore.ErrFixedIdentityRemap):
		return fmt.Sprintf("member %s has a fixed identity and cannot be restored onto %s", re.Source, re.Target)
	case errors.Is(err, restore.ErrDuplicatePlanTarget):
		return fmt.Sprintf("two members would be restored onto canister %s", re.Target)
	}
	return ""
}

// missingName is the file a not-found error names, relative to nothing: its base name.
func missingName(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return filepath.Base(pe.Path)
	}
	return err.Error()
}

// documentName is the document a layout error concerns, or the error itself.
func documentName(err error) string {
	var le *layout.Error
	if errors.As(err, &le) && le.Path != "" {
		return filepath.Base(le.Path)
	}
	return fmt.Sprint(unwrapAdmission(err))
}
