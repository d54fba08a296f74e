// Package planner is the planner service: it consumes run requests (package admission, or
// package schedule/firing for those a schedule fired), operators' control messages (package
// control) and its own internal messages (containment and the admission of queued runs), each
// routed by subject.
package planner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/admission"
	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/containment"
	"github.com/fleetbackup/fleetbackup/pkg/control"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/schedule/firing"
	"github.com/fleetbackup/fleetbackup/pkg/stage"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Stage is the planner service.
var Stage = stage.Stage{
	Name: "planner", Stream: bus.Names.RequestStream, Consumer: bus.ConsumerPlanner, Concurrency: 2,
	Handler: func(env *runenv.Env, cfg stage.Config) worker.Handler { return New(env, cfg) },
}

// Planner routes the planner's messages.
type Planner struct {
	env       *runenv.Env
	admission *admission.Admitter
	control   *control.Controller
	container *containment.Container
	firing    *firing.Firer
}

// New makes a planner with the settings of cfg it reads (MaxTargets).
func New(env *runenv.Env, cfg stage.Config) *Planner {
	adm := &admission.Admitter{Env: env, MaxTargets: cfg.MaxTargets}
	return &Planner{env: env, admission: adm, firing: &firing.Firer{Env: env, Admission: adm},
		control: &control.Controller{Env: env}, container: &containment.Container{Env: env}}
}

// Handle implements worker.Handler. Planning (preflight calls one status per target) and
// containment (one start per canister) can outlast the ack wait: the message is kept alive so
// that no second planner takes the same request or containment up meanwhile.
func (p *Planner) Handle(ctx context.Context, msg jetstream.Msg) error {
	stop := worker.KeepAlive(ctx, msg, p.env.LeaseDuration()/3, nil, nil)
	defer stop()
	names := p.env.Store.Names
	if from := msg.Headers().Get(jetstream.SchedulerHeader); from != "" {
		// The server publishes a schedule's body with its own rights: a schedule may start
		// backups, never restores, control or internal actions (docs/schedules.md).
		if msg.Subject() != names.RequestSubject() {
			return worker.Reject(fmt.Errorf("planner: schedule %s fired on %s; a schedule may only target %s",
				from, msg.Subject(), names.RequestSubject()))
		}
		return p.firing.Handle(ctx, msg)
	}
	switch msg.Subject() {
	case names.RequestSubject():
		return p.admission.HandleRequest(ctx, msg)
	case names.RestoreRequestSubject():
		return p.admission.HandleRestoreRequest(ctx, msg)
	}
	if runID, ok := strings.CutPrefix(msg.Subject(), names.Prefix+".runs.control."); ok {
		return p.control.Handle(ctx, runID, msg)
	}
	if runID, ok := strings.CutPrefix(msg.Subject(), names.Prefix+".runs.internal."); ok {
		return p.handleInternal(ctx, runID, msg)
	}
	return worker.Reject(fmt.Errorf("planner: unexpected subject %s", msg.Subject()))
}

func (p *Planner) handleInternal(ctx context.Context, runID string, msg jetstream.Msg) error {
	if !bus.ValidRunID(runID) {
		return worker.Reject(fmt.Errorf("internal subject %s: invalid run id", msg.Subject()))
	}
	var im runenv.InternalMessage
	dec := json.NewDecoder(bytes.NewReader(msg.Data()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&im); err != nil {
		return worker.Reject(fmt.Errorf("malformed internal message for run %s: %w", runID, err))
	}
	switch im.Action {
	case runenv.InternalContain:
		return p.container.Contain(ctx, runID)
	case runenv.InternalAdmit:
		return p.admission.HandleAdmit(ctx, runID, msg)
	}
	return worker.Reject(fmt.Errorf("unknown internal action %q for run %s", im.Action, runID))
}
