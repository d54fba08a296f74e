package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/schedule"
)

// ScheduleState reads a schedule's record in the schedules bucket (last run, skips); false
// when the schedule never fired, or the installation predates schedules (no bucket).
func ScheduleState(ctx context.Context, js jetstream.JetStream, n Names, name string) (schedule.State, bool, error) {
	kv, err := js.KeyValue(ctx, n.SchedulesBucket())
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return schedule.State{}, false, nil
	} else if err != nil {
		return schedule.State{}, false, fmt.Errorf("opening bucket %s: %w", n.SchedulesBucket(), err)
	}
	e, err := kv.Get(ctx, name)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return schedule.State{}, false, nil
	} else if err != nil {
		return schedule.State{}, false, fmt.Errorf("reading schedule %s's record: %w", name, err)
	}
	var st schedule.State
	if err := json.Unmarshal(e.Value(), &st); err != nil {
		return schedule.State{}, false, fmt.Errorf("decoding schedule %s's record: %w", name, err)
	}
	return st, true, nil
}
