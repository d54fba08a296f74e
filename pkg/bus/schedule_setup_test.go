package bus_test

import (
	"context"
	"slices"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
)

// An installation made before schedules existed is updated in place by Setup: its request
// stream then allows message schedules and captures the schedule subjects, the planner's
// filter still leaves them out, waiting requests are kept, and Setup stays idempotent (a
// second run, with a schedule defined, changes nothing and loses nothing).
func TestScheduleSetupUpdatesInPlace(t *testing.T) {
	js := bustest.JetStream(t)
	n, _ := bus.NewNames("")
	ctx := context.Background()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name: n.RequestStream(), Subjects: n.RequestSubjects(), Retention: jetstream.WorkQueuePolicy,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := js.Publish(ctx, n.RequestSubject(), []byte("{}")); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := bus.Setup(ctx, js, n, bus.SetupConfig{}); err != nil {
			t.Fatalf("Setup #%d: %v", i+1, err)
		}
		if i == 0 {
			if err := bus.PublishSchedule(ctx, js, n, every("nightly"), false); err != nil {
				t.Fatal(err)
			}
		}
	}
	s, err := js.Stream(ctx, n.RequestStream())
	if err != nil {
		t.Fatal(err)
	}
	cfg := s.CachedInfo().Config
	if !cfg.AllowMsgSchedules || !cfg.AllowRollup || !slices.Equal(cfg.Subjects, n.RequestStreamSubjects()) {
		t.Errorf("request stream: schedules %v, rollup %v, subjects %v", cfg.AllowMsgSchedules, cfg.AllowRollup, cfg.Subjects)
	}
	planner, err := js.Consumer(ctx, n.RequestStream(), bus.ConsumerPlanner)
	if err != nil {
		t.Fatal(err)
	}
	if f := planner.CachedInfo().Config.FilterSubjects; !slices.Equal(f, n.RequestSubjects()) {
		t.Errorf("planner filters %v, want %v (never the schedule definitions)", f, n.RequestSubjects())
	}
	if _, err := bus.GetSchedule(ctx, js, n, "nightly"); err != nil {
		t.Errorf("schedule after a second Setup: %v", err)
	}
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(n.RequestSubject()))
	if err != nil || info.State.Subjects[n.RequestSubject()] == 0 {
		t.Errorf("the request waiting before the update is gone: %v", err)
	}
	if _, err := js.KeyValue(ctx, n.SchedulesBucket()); err != nil {
		t.Errorf("schedules bucket: %v", err)
	}
}

func TestScheduleWireNames(t *testing.T) {
	n, _ := bus.NewNames("acme")
	for _, tc := range []struct{ got, want string }{
		{n.ScheduleSubject("nightly"), "acme.schedules.nightly"},
		{n.ScheduleWildcard(), "acme.schedules.*"},
		{n.SchedulesBucket(), "acme_schedules"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	for subject, want := range map[string]string{
		"acme.schedules.nightly": "nightly", "acme.schedules.a.b": "", "acme.schedules.": "",
		"fleetbackup.schedules.nightly": "", "acme.schedules.-x": "", "acme.runs.request": "",
	} {
		if got, ok := n.ScheduleName(subject); got != want || ok != (want != "") {
			t.Errorf("ScheduleName(%q) = %q, %v; want %q", subject, got, ok, want)
		}
	}
}
