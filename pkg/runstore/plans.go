package runstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// planPartSize keeps every plan value well under the server's default 1 MB payload limit.
const planPartSize = 512 << 10

// planParts is what `<run_id>` holds when the plan is split: the number of parts stored at
// `<run_id>.part-<i>` and the SHA-256 of their concatenation.
type planParts struct {
	Parts  int    `json:"fleetbackup_plan_parts"`
	SHA256 string `json:"sha256"`
}

// SavePlan writes a run's plan once. A plan larger than planPartSize is split over several keys.
// It returns kvstore.ErrExists when the plan was already written.
func (s *Store) SavePlan(ctx context.Context, p *plan.Plan) error {
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return s.createParts(ctx, p.RunID, data)
}

// createParts writes data once at key, split over several keys when larger than planPartSize.
func (s *Store) createParts(ctx context.Context, key string, data []byte) error {
	if len(data) <= planPartSize {
		return createPlanKey(ctx, s.Plans, key, data)
	}
	n := 0
	for off := 0; off < len(data); off += planPartSize {
		n++
		part := data[off:min(off+planPartSize, len(data))]
		if err := createPlanKey(ctx, s.Plans, partKey(key, n), part); err != nil && !errors.Is(err, kvstore.ErrExists) {
			return err
		}
	}
	sum := sha256.Sum256(data)
	head, _ := json.Marshal(planParts{Parts: n, SHA256: hex.EncodeToString(sum[:])})
	return createPlanKey(ctx, s.Plans, key, head)
}

func createPlanKey(ctx context.Context, kv jetstream.KeyValue, key string, data []byte) error {
	_, err := kv.Create(ctx, key, data)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return fmt.Errorf("plan %s: %w", key, kvstore.ErrExists)
	}
	return err
}

func partKey(runID string, i int) string { return fmt.Sprintf("%s.part-%06d", runID, i) }

// LoadPlan reads and validates a run's plan.
func (s *Store) LoadPlan(ctx context.Context, runID string) (*plan.Plan, error) {
	data, err := s.readParts(ctx, runID)
	if err != nil {
		return nil, err
	}
	return plan.Load(data)
}

// readParts reads what createParts wrote at key.
func (s *Store) readParts(ctx context.Context, key string) ([]byte, error) {
	e, err := s.Plans.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, fmt.Errorf("plan %s: %w", key, kvstore.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading plan %s: %w", key, err)
	}
	data := e.Value()
	var head planParts
	if json.Unmarshal(data, &head) == nil && head.Parts > 0 {
		return s.joinParts(ctx, key, head)
	}
	return data, nil
}

func (s *Store) joinParts(ctx context.Context, runID string, head planParts) ([]byte, error) {
	var data []byte
	for i := 1; i <= head.Parts; i++ {
		e, err := s.Plans.Get(ctx, partKey(runID, i))
		if err != nil {
			return nil, fmt.Errorf("reading plan part %d of %s: %w", i, runID, err)
		}
		data = append(data, e.Value()...)
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != head.SHA256 {
		return nil, fmt.Errorf("plan %s: parts do not match their checksum", runID)
	}
	return data, nil
}

// PlanIfAny reads a run's plan; nil (and no error) when the run has none.
func (s *Store) PlanIfAny(ctx context.Context, runID string) (*plan.Plan, error) {
	p, err := s.LoadPlan(ctx, runID)
	if errors.Is(err, kvstore.ErrNotFound) {
		return nil, nil
	}
	return p, err
}
