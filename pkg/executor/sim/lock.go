package sim

import (
	"bytes"
	"errors"
	"os"
	"syscall"
)

// File operations are chosen for cost: creating a file or renaming over one is what a file system
// charges most for, so state that changes on every call is rewritten in place under a flock, and
// files are created once.

// flock opens path (creating it) and takes an exclusive flock on it; closing the file releases
// the lock, and so does the death of the process holding it.
func flock(path string) (*os.File, error) {
	return lockWith(path, os.O_CREATE|os.O_RDWR, syscall.LOCK_EX)
}

// tryFlock is flock without waiting: it reports busy when another holder has the lock.
func tryFlock(path string) (f *os.File, busy bool, err error) {
	f, err = lockWith(path, os.O_CREATE|os.O_RDWR, syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return nil, true, nil
	}
	return f, false, err
}

func lockWith(path string, flag, how int) (*os.File, error) {
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, &os.PathError{Op: "flock", Path: path, Err: err}
	}
	return f, nil
}

// writeAtomic replaces path with data through a temp file and a rename, so a reader sees the old
// content or the new, never a torn file. Used for files written rarely (fleet, faults); callers
// hold the lock that guards path, so one temp name per path is enough.
func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// writeInPlace overwrites a small JSON file from its start with one write, padding with spaces
// (which JSON ignores) up to the old length instead of truncating. Readers take the file's
// flock, and a write of a few hundred bytes is not torn by a killed process.
func writeInPlace(f *os.File, data []byte, oldLen int) (newLen int, err error) {
	if len(data) < oldLen {
		data = append(data, bytes.Repeat([]byte{' '}, oldLen-len(data))...)
	}
	if _, err := f.WriteAt(data, 0); err != nil {
		return oldLen, err
	}
	return len(data), nil
}
