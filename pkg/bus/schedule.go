package bus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/schedule"
)

// Sentinels of the schedule operations.
var (
	// ErrScheduleExists says a schedule of that name is defined already.
	ErrScheduleExists = errors.New("a schedule of that name exists already")
	// ErrNoSchedule says no schedule of that name is defined.
	ErrNoSchedule = errors.New("no such schedule")
	// ErrSchedulesUnsupported says the request stream cannot hold message schedules.
	ErrSchedulesUnsupported = errors.New("message schedules unsupported")
	// ErrScheduleToken says a name to delete is not a single subject token.
	ErrScheduleToken = errors.New("not a single subject token")
)

// PublishSchedule checks a definition (schedule.Definition.Check) and publishes it on its
// subject, targeting the request subject. Without replace it is refused with ErrScheduleExists
// when the name is taken (the server checks that the subject holds no message); with replace
// it replaces the definition, as a new message on a definition's subject does. The server's
// own refusals (expression, time zone, target) are returned with what was refused.
func PublishSchedule(ctx context.Context, js jetstream.JetStream, n Names, d schedule.Definition, replace bool) error {
	d.Target = n.RequestSubject()
	if _, err := d.Check(); err != nil {
		return err
	}
	s, err := js.Stream(ctx, n.RequestStream())
	if err != nil {
		return fmt.Errorf("reading stream %s: %w", n.RequestStream(), err)
	}
	if !s.CachedInfo().Config.AllowMsgSchedules {
		return fmt.Errorf("%w: stream %s does not allow message schedules; they need nats-server 2.12 or later "+
			"(2.14 for cron time zones) and services of this version, which turn them on at start", ErrSchedulesUnsupported, n.RequestStream())
	}
	msg := nats.NewMsg(n.ScheduleSubject(d.Name))
	for k, v := range d.Headers() {
		msg.Header.Set(k, v)
	}
	msg.Data = d.Request
	var opts []jetstream.PublishOpt
	if !replace {
		opts = append(opts, jetstream.WithExpectLastSequencePerSubject(0))
	}
	_, err = js.PublishMsg(ctx, msg, opts...)
	return publishError(d, err)
}

// publishError explains the server's refusal of a definition.
func publishError(d schedule.Definition, err error) error {
	var api *jetstream.APIError
	if err == nil || !errors.As(err, &api) {
		if err != nil {
			err = fmt.Errorf("publishing schedule %s: %w", d.Name, err)
		}
		return err
	}
	switch api.ErrorCode {
	case jetstream.JSErrCodeStreamWrongLastSequence, jetstream.JSErrCodeStreamWrongLastSequenceConstant:
		return fmt.Errorf("%w (delete it first, or replace it)", ErrScheduleExists)
	case jetstream.JSErrCodeSchedulePatternInvalid:
		return fmt.Errorf("%w %q: the NATS server refused it: %v", schedule.ErrBadSpec, d.Cron, err)
	case timeZoneInvalid:
		return fmt.Errorf("%w: the NATS server refused time zone %q (cron time zones need nats-server 2.14 or later): %v",
			schedule.ErrBadSpec, d.TimeZone, err)
	case jetstream.JSErrCodeMessageSchedulesDisabled:
		return fmt.Errorf("%w: %v", ErrSchedulesUnsupported, err)
	}
	return fmt.Errorf("the NATS server refused schedule %s: %w", d.Name, err)
}

// timeZoneInvalid is nats-server's JSMessageSchedulesTimeZoneInvalidErr (nats.go has no name
// for it yet).
const timeZoneInvalid jetstream.ErrorCode = 10223

// ListSchedules reads every schedule definition of the installation, sorted by name. What a
// stranger published by hand is listed too, so that it can be seen and deleted: a message
// without a schedule expression (empty Cron), or under a name schedule.CheckName refuses (its
// firings are refused by the planner).
func ListSchedules(ctx context.Context, js jetstream.JetStream, n Names) ([]schedule.Definition, error) {
	s, err := js.Stream(ctx, n.RequestStream())
	if err != nil {
		return nil, fmt.Errorf("reading stream %s: %w", n.RequestStream(), err)
	}
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(n.ScheduleWildcard()))
	if err != nil {
		return nil, fmt.Errorf("listing schedules: %w", err)
	}
	defs := []schedule.Definition{}
	for subject := range info.State.Subjects {
		name, ok := strings.CutPrefix(subject, n.Prefix+".schedules.")
		if !ok {
			continue
		}
		d, err := getSchedule(ctx, s, n, name)
		if errors.Is(err, ErrNoSchedule) {
			continue // deleted meanwhile
		} else if err != nil {
			return nil, err
		}
		defs = append(defs, d)
	}
	slices.SortFunc(defs, func(a, b schedule.Definition) int { return strings.Compare(a.Name, b.Name) })
	return defs, nil
}

// GetSchedule reads one schedule definition; ErrNoSchedule when there is none.
func GetSchedule(ctx context.Context, js jetstream.JetStream, n Names, name string) (schedule.Definition, error) {
	if err := schedule.CheckName(name); err != nil {
		return schedule.Definition{}, err
	}
	s, err := js.Stream(ctx, n.RequestStream())
	if err != nil {
		return schedule.Definition{}, fmt.Errorf("reading stream %s: %w", n.RequestStream(), err)
	}
	return getSchedule(ctx, s, n, name)
}

func getSchedule(ctx context.Context, s jetstream.Stream, n Names, name string) (schedule.Definition, error) {
	m, err := s.GetLastMsgForSubject(ctx, n.ScheduleSubject(name))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return schedule.Definition{}, fmt.Errorf("%w: %s", ErrNoSchedule, name)
	} else if err != nil {
		return schedule.Definition{}, fmt.Errorf("reading schedule %s: %w", name, err)
	}
	return schedule.Definition{
		Name: name, Cron: m.Header.Get(schedule.HeaderSchedule), TimeZone: m.Header.Get(schedule.HeaderTimeZone),
		Target: m.Header.Get(schedule.HeaderTarget), Request: m.Data, Prune: m.Header.Get(schedule.HeaderPrune),
	}, nil
}

// DeleteSchedule removes a schedule: its subject is purged, and the server fires it no more.
// Any name ListSchedules lists can be deleted, even one schedule.CheckName refuses.
// Its record in the schedules bucket (last run, skips) is kept, so that a schedule created
// again under the same name still skips while the old one's last run is active.
func DeleteSchedule(ctx context.Context, js jetstream.JetStream, n Names, name string) error {
	if name == "" || strings.ContainsAny(name, ".*> \t\r\n") {
		return fmt.Errorf("invalid schedule name %q: %w", name, ErrScheduleToken)
	}
	s, err := js.Stream(ctx, n.RequestStream())
	if err != nil {
		return fmt.Errorf("reading stream %s: %w", n.RequestStream(), err)
	}
	if _, err := getSchedule(ctx, s, n, name); err != nil {
		return err
	}
	if err := s.Purge(ctx, jetstream.WithPurgeSubject(n.ScheduleSubject(name))); err != nil {
		return fmt.Errorf("deleting schedule %s: %w", name, err)
	}
	return nil
}
