// Package client is how operators' programs talk to an installation: publish a run request
// or a control message, and watch a run record move.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Submit publishes a run request. msgID, when set, becomes the Nats-Msg-Id header so that a
// repeat inside the duplicate window is dropped by the stream.
func Submit(ctx context.Context, s *runstore.Store, body []byte, msgID string) error {
	return publish(ctx, s, s.Names.RequestSubject(), body, msgID)
}

// SubmitRestore publishes a restore request (DESIGN §10), like Submit.
func SubmitRestore(ctx context.Context, s *runstore.Store, body []byte, msgID string) error {
	return publish(ctx, s, s.Names.RestoreRequestSubject(), body, msgID)
}

func publish(ctx context.Context, s *runstore.Store, subject string, body []byte, msgID string) error {
	opts := []jetstream.PublishOpt{}
	if msgID != "" {
		opts = append(opts, jetstream.WithMsgID(msgID))
	}
	_, err := s.JS.PublishMsg(ctx, &nats.Msg{Subject: subject, Data: body}, opts...)
	return explainRefusal(s.JS.Conn(), subject, err)
}

// explainRefusal names the server's reason when a publish failed because the server refused it:
// a refused publish gets no acknowledgement, so err is only a timeout, while the reason (a
// permissions violation) arrives on the connection.
func explainRefusal(nc *nats.Conn, subject string, err error) error {
	if err == nil {
		return nil
	}
	if last := nc.LastError(); errors.Is(last, nats.ErrPermissionViolation) && strings.Contains(last.Error(), `"`+subject+`"`) {
		return fmt.Errorf("%w (the server refused it: %v)", err, last)
	}
	return err
}

// SendControl publishes a control action for a run.
func SendControl(ctx context.Context, s *runstore.Store, runID, action string) error {
	return SendControlMessage(ctx, s, runID, runs.ControlMessage{Action: action})
}

// SendControlMessage publishes a control message for a run, e.g. {"action": "abort", "force": true}.
func SendControlMessage(ctx context.Context, s *runstore.Store, runID string, cm runs.ControlMessage) error {
	body, _ := json.Marshal(cm)
	subject := s.Names.ControlSubject(runID)
	_, err := s.JS.Publish(ctx, subject, body)
	return explainRefusal(s.JS.Conn(), subject, err)
}

// ErrWatchClosed says the run watch ended before the run reached the awaited state.
var ErrWatchClosed = errors.New("run watch closed")

// WatchRun calls seen with every version of the run record (the current one first) until
// seen returns true or ctx ends; it returns the record seen returned true for.
func WatchRun(ctx context.Context, s *runstore.Store, runID string, seen func(runs.Record) bool) (runs.Record, error) {
	w, err := s.Runs.KV.Watch(ctx, runID)
	if err != nil {
		return runs.Record{}, err
	}
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return runs.Record{}, ctx.Err()
		case e, ok := <-w.Updates():
			if !ok {
				return runs.Record{}, ErrWatchClosed
			}
			if e == nil || e.Operation() != jetstream.KeyValuePut {
				continue
			}
			var r runs.Record
			if err := json.Unmarshal(e.Value(), &r); err != nil {
				return runs.Record{}, fmt.Errorf("decoding run %s: %w", runID, err)
			}
			if seen(r) {
				return r, nil
			}
		}
	}
}

// WaitTerminal waits until the run reaches a terminal state.
func WaitTerminal(ctx context.Context, s *runstore.Store, runID string) (runs.Record, error) {
	return WatchRun(ctx, s, runID, func(r runs.Record) bool { return r.State.Terminal() })
}
