package checksum

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// hashAll returns the checksum of every file, in the order given, hashing up to GOMAXPROCS files
// at once, each worker with its own large buffer. After the first failure no new file is started;
// the error of the lowest failed index is returned.
func hashAll(files []file) ([]string, error) {
	sums := make([]string, len(files))
	errs := make([]error, len(files))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			buf := buffers.Get().(*[]byte)
			defer buffers.Put(buf)
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				sums[i], errs[i] = fileWith(files[i].path, *buf)
				if errs[i] != nil {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return sums, nil
}
