package retention

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/layout"
)

// Outcome is what Apply did with one directory planned for removal.
type Outcome struct {
	ID      string `json:"run_id"`
	Removed bool   `json:"removed"`
	Error   string `json:"error,omitempty"`
}

// Apply removes the directories p plans to remove, one at a time, and returns what happened to
// each with the errors joined. Right before each removal it checks again that the directory is
// as planned (still completed, or still incomplete, and no restore reading it); one that
// changed is left alone (ErrChanged). A completed backup loses its manifest first, so that an
// interrupted removal leaves a directory that reads as an incomplete run (kept unless asked),
// never a manifest over missing artifacts.
func Apply(p *Plan) ([]Outcome, error) {
	outcomes := []Outcome{}
	var errs []error
	for _, d := range p.Removals() {
		err := remove(d.Dir)
		o := Outcome{ID: d.ID, Removed: err == nil}
		if err != nil {
			err = fmt.Errorf("removing %s: %w", d.ID, err)
			o.Error = err.Error()
			errs = append(errs, err)
		}
		outcomes = append(outcomes, o)
	}
	return outcomes, errors.Join(errs...)
}

// remove re-checks d and removes its directory.
func remove(d Dir) error {
	complete, err := hasManifest(d.Path)
	if err != nil {
		return err
	}
	if complete != d.Complete {
		return fmt.Errorf("%w: manifest present %t, planned %t", ErrChanged, complete, d.Complete)
	}
	if reading := ReadingRestores(d.Path); len(reading) > 0 {
		return fmt.Errorf("%w: %s %v", ErrChanged, ReasonRestore, reading)
	}
	if complete {
		if err := os.Remove(filepath.Join(d.Path, layout.ManifestFile)); err != nil {
			return err
		}
	}
	return os.RemoveAll(d.Path)
}
