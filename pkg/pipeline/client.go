package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Submit publishes a run request. msgID, when set, becomes the Nats-Msg-Id header so that a
// repeat inside the duplicate window is dropped by the stream.
func Submit(ctx context.Context, s *Store, body []byte, msgID string) error {
	opts := []jetstream.PublishOpt{}
	if msgID != "" {
		opts = append(opts, jetstream.WithMsgID(msgID))
	}
	_, err := s.JS.PublishMsg(ctx, &nats.Msg{Subject: s.Names.RequestSubject(), Data: body}, opts...)
	return err
}

// SendControl publishes a control action for a run.
func SendControl(ctx context.Context, s *Store, runID, action string) error {
	body, _ := json.Marshal(ControlMessage{Action: action})
	_, err := s.JS.Publish(ctx, s.Names.ControlSubject(runID), body)
	return err
}

// ErrWatchClosed says the run watch ended before the run reached the awaited state.
var ErrWatchClosed = errors.New("run watch closed")

// WatchRun calls seen with every version of the run record (the current one first) until
// seen returns true or ctx ends; it returns the record seen returned true for.
func WatchRun(ctx context.Context, s *Store, runID string, seen func(RunRecord) bool) (RunRecord, error) {
	w, err := s.Runs.KV.Watch(ctx, runID)
	if err != nil {
		return RunRecord{}, err
	}
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return RunRecord{}, ctx.Err()
		case e, ok := <-w.Updates():
			if !ok {
				return RunRecord{}, ErrWatchClosed
			}
			if e == nil || e.Operation() != jetstream.KeyValuePut {
				continue
			}
			var r RunRecord
			if err := json.Unmarshal(e.Value(), &r); err != nil {
				return RunRecord{}, fmt.Errorf("decoding run %s: %w", runID, err)
			}
			if seen(r) {
				return r, nil
			}
		}
	}
}

// WaitTerminal waits until the run reaches a terminal state.
func WaitTerminal(ctx context.Context, s *Store, runID string) (RunRecord, error) {
	return WatchRun(ctx, s, runID, func(r RunRecord) bool { return r.State.Terminal() })
}
