package sim

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// Fault modes.
const (
	// ModeTransient fails the call with a retryable error, without effect.
	ModeTransient = "transient"
	// ModePermanent fails the call with a permanent error, without effect.
	ModePermanent = "permanent"
	// ModeLostReply lets the call take effect, then fails it with a retryable timeout.
	ModeLostReply = "lost-reply"
	// ModeHang blocks the call until its context ends.
	ModeHang = "hang"
)

const (
	faultsName     = "faults.json"
	faultsLockName = "faults.lock"
)

var faultCalls = []string{KindStop, KindStart, KindSnapshot, KindDownload, KindStatus, KindRegistry, KindList, KindDelete,
	KindUpload, KindLoad, KindModule}

var faultModes = []string{ModeTransient, ModePermanent, ModeLostReply, ModeHang}

// Fault is a failure injected into the calls of every Sim on a state directory.
type Fault struct {
	// Call is the call kind: stop, start, snapshot, download, status, registry, list, delete,
	// upload, load or module.
	Call string `json:"call"`
	// Canister restricts the fault to one canister (the root for registry); "" matches any.
	Canister string `json:"canister"`
	// Mode is transient, permanent, lost-reply or hang.
	Mode string `json:"mode"`
	// Times is how many calls the fault affects; 0 means every call, forever.
	Times int `json:"times"`
	// Message replaces the default error message.
	Message string `json:"message"`
}

func (f *Fault) validate() error {
	switch {
	case !slices.Contains(faultCalls, f.Call):
		return &FaultError{Field: "call", Value: f.Call}
	case !slices.Contains(faultModes, f.Mode):
		return &FaultError{Field: "mode", Value: f.Mode}
	case f.Times < 0:
		return &FaultError{Field: "times", Value: "negative"}
	case f.Canister != "" && !principal.Valid(f.Canister):
		return &FaultError{Field: "canister", Value: f.Canister}
	}
	return nil
}

// InjectFault adds a fault to the state directory (created if needed). Faults apply in the order
// they were injected: a call takes the first that matches it and consumes one of its Times.
func InjectFault(stateDir string, f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return err
	}
	return editFaults(stateDir, func(list []Fault) []Fault { return append(list, f) })
}

// ClearFaults removes every injected fault.
func ClearFaults(stateDir string) error {
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return err
	}
	return editFaults(stateDir, func([]Fault) []Fault { return nil })
}

// takeFault consumes one count of the first fault matching a call, atomically across processes.
// Without a faults file (the usual case) it costs one stat.
func takeFault(dir, call, canister string) (*Fault, error) {
	if _, err := os.Stat(filepath.Join(dir, faultsName)); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	var taken *Fault
	err := editFaults(dir, func(list []Fault) []Fault {
		i := slices.IndexFunc(list, func(f Fault) bool {
			return f.Call == call && (f.Canister == "" || f.Canister == canister)
		})
		if i < 0 {
			return list
		}
		taken = new(list[i])
		switch list[i].Times {
		case 0:
		case 1:
			list = slices.Delete(list, i, i+1)
		default:
			list[i].Times--
		}
		return list
	})
	return taken, err
}

// editFaults rewrites the faults file under its lock; an empty list removes the file.
func editFaults(dir string, edit func([]Fault) []Fault) error {
	lock, err := flock(filepath.Join(dir, faultsLockName))
	if err != nil {
		return err
	}
	defer lock.Close()
	path := filepath.Join(dir, faultsName)
	var list []Fault
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := json.Unmarshal(data, &list); err != nil {
			return &StateError{Path: path, Err: err}
		}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	list = edit(list)
	if len(list) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	if data, err = json.Marshal(list); err != nil {
		return err
	}
	return writeAtomic(path, data)
}
