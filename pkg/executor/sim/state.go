package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// canisterState is one canister's file: its lifecycle status, its content, its snapshots and
// the counter that numbers them (never reused, so snapshot ids stay unique).
type canisterState struct {
	Status executor.Status `json:"status"`
	// StoppedAtNanos is when a stopping canister becomes stopped (Unix nanoseconds).
	StoppedAtNanos int64  `json:"stopped_at_ns"`
	Counter        uint64 `json:"counter"`
	// Content is what the canister holds; nil until it first changes (see initialContent).
	Content   *content         `json:"content,omitempty"`
	Snapshots []storedSnapshot `json:"snapshots"`
}

// storedSnapshot is a snapshot as the canister's file keeps it: with the content it captured.
type storedSnapshot struct {
	executor.Snapshot
	Content content `json:"content"`
}

func newCanisterState() *canisterState {
	return &canisterState{Status: executor.StatusRunning, Snapshots: []storedSnapshot{}}
}

// current is the canister's content: the recorded one, else the initial content of m.
func (st *canisterState) current(m *member) content {
	if st.Content != nil {
		return *st.Content
	}
	return initialContent(m)
}

// public lists the snapshots as the executor reports them.
func (st *canisterState) public() []executor.Snapshot {
	out := make([]executor.Snapshot, len(st.Snapshots))
	for i, sn := range st.Snapshots {
		out[i] = sn.Snapshot
	}
	return out
}

// effective is the status at now: a stopping canister whose stop has run its course is stopped,
// even when the process that stopped it died before recording so.
func (st *canisterState) effective(now time.Time) executor.Status {
	if st.Status == executor.StatusStopping && now.UnixNano() >= st.StoppedAtNanos {
		return executor.StatusStopped
	}
	return st.Status
}

// settle records the effective status.
func (st *canisterState) settle(now time.Time) {
	st.Status = st.effective(now)
	if st.Status != executor.StatusStopping {
		st.StoppedAtNanos = 0
	}
}

func (s *Sim) canisterPath(pid string) string {
	return filepath.Join(s.dir, canistersDir, pid+".json")
}

// stateFile is a canister's state file, open and exclusively locked for a change.
type stateFile struct {
	f   *os.File
	mu  *sync.Mutex
	len int
}

// lockCanister serialises changes to one canister: an in-process mutex for goroutines, then a
// flock on the canister's file for other processes. Calls on different canisters never contend.
func (s *Sim) lockCanister(pid string) (*stateFile, error) {
	mu := s.mutexes[pid]
	mu.Lock()
	f, err := flock(s.canisterPath(pid))
	if err != nil {
		mu.Unlock()
		return nil, err
	}
	return &stateFile{f: f, mu: mu}, nil
}

func (sf *stateFile) close() {
	sf.f.Close()
	sf.mu.Unlock()
}

func (sf *stateFile) load() (*canisterState, error) {
	data, err := io.ReadAll(io.NewSectionReader(sf.f, 0, 1<<40))
	if err != nil {
		return nil, err
	}
	sf.len = len(data)
	return decodeState(sf.f.Name(), data)
}

func (sf *stateFile) store(st *canisterState) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	sf.len, err = writeInPlace(sf.f, data, sf.len)
	return err
}

// readState reads a canister's state under a shared flock; a canister never touched yet is
// running with no snapshots.
func readState(path string) (*canisterState, error) {
	f, err := lockWith(path, os.O_RDONLY, syscall.LOCK_SH)
	if errors.Is(err, fs.ErrNotExist) {
		return newCanisterState(), nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	return decodeState(path, data)
}

func decodeState(path string, data []byte) (*canisterState, error) {
	st := newCanisterState()
	if len(bytes.TrimSpace(data)) == 0 {
		return st, nil
	}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, &StateError{Path: path, Err: err}
	}
	switch st.Status {
	case executor.StatusRunning, executor.StatusStopping, executor.StatusStopped:
	default:
		return nil, &StateError{Path: path, Err: errText("unknown status " + string(st.Status))}
	}
	if st.Snapshots == nil {
		st.Snapshots = []storedSnapshot{}
	}
	return st, nil
}
