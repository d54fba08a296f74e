package runstore

import (
	"context"
	"fmt"
)

// BucketSize is the size of one bucket's stream.
type BucketSize struct {
	Bucket string `json:"bucket"`
	// Keys counts the subjects holding at least one message: the bucket's keys, and any key
	// left as a delete or purge marker alone (record retention leaves none).
	Keys uint64 `json:"keys"`
	// Messages counts every stored revision (a key keeps up to its bucket's history) and marker.
	Messages uint64 `json:"messages"`
	// Bytes is the stream's stored size.
	Bytes uint64 `json:"bytes"`
}

// BucketSizes reads the size of every bucket of the installation, in Names.Buckets order.
func (s *Store) BucketSizes(ctx context.Context) ([]BucketSize, error) {
	var out []BucketSize
	for _, b := range s.Names.Buckets() {
		st, err := s.bucketStream(ctx, b)
		if err != nil {
			return nil, err
		}
		info, err := st.Info(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the size of bucket %s: %w", b, err)
		}
		out = append(out, BucketSize{Bucket: b, Keys: info.State.NumSubjects,
			Messages: info.State.Msgs, Bytes: info.State.Bytes})
	}
	return out, nil
}
