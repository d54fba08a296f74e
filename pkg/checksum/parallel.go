package checksum

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// hashAll returns the checksum of every file, in the order given, hashing up to workers files
// at once (GOMAXPROCS when workers is not positive, and never more), each worker with its own large buffer. After the first failure no new file is started;
// the error of the lowest failed index is returned. Once ctx is done every worker fails at its
// next check (before its next file, or its next buffer), so hashAll returns an error wrapping
// ctx.Err() unless every file was already hashed.
func hashAll(ctx context.Context, files []file, workers int) ([]string, error) {
	procs := runtime.GOMAXPROCS(0)
	if workers <= 0 || workers > procs {
		workers = procs
	}
	sums := make([]string, len(files))
	errs := make([]error, len(files))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(workers, len(files)) {
		wg.Go(func() {
			buf := buffers.Get().(*[]byte)
			defer buffers.Put(buf)
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				sums[i], errs[i] = fileWith(ctx, files[i].path, *buf)
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
