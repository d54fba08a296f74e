package bus_test

import (
	"slices"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

// What each identity must not do is refused by the server, with a permissions violation
// naming the subject; what its job needs goes through. (A worker writes run records: every
// worker moves a run's counts and fails it, pkg/runenv, so the verifier may; docs/security.md.)
func TestSecuredRefusals(t *testing.T) {
	s := startSecure(t, bus.PolicyConfig{WorkerSetup: true})
	for _, c := range refusalCases {
		t.Run(c.identity, func(t *testing.T) {
			nc, ch := s.connect(t, c.identity)
			refused := publishAll(t, nc, ch, append(slices.Clone(c.refused), c.accepted...))
			for _, subject := range c.refused {
				if !refused[subject] {
					t.Errorf("%s may publish %s", c.identity, subject)
				}
			}
			for _, subject := range c.accepted {
				if refused[subject] {
					t.Errorf("%s was refused %s, which its job needs", c.identity, subject)
				}
			}
		})
	}
}

// refusalCases are, per identity, subjects it must be refused and subjects its job needs.
var refusalCases = []struct {
	identity          string
	refused, accepted []string
}{
	{bus.IdentityPlanner,
		[]string{"fleetbackup.runs.request", "fleetbackup.restores.request", "fleetbackup.runs.control.r1",
			"$JS.API.STREAM.DELETE.FLEETBACKUP_OPS", "$JS.API.CONSUMER.DELETE.FLEETBACKUP_OPS.downloader",
			"$JS.API.STREAM.PURGE.FLEETBACKUP_REQUESTS", "$JS.API.CONSUMER.MSG.NEXT.FLEETBACKUP_OPS.finalizer"},
		[]string{"fleetbackup.ops.stop", "fleetbackup.runs.internal.r1", "$KV.fleetbackup_plans.r1", "_INBOX.answer",
			"$JS.API.STREAM.CREATE.KV_fleetbackup_runs"}},
	{bus.IdentitySnapshotter,
		[]string{"fleetbackup.ops.upload", "fleetbackup.ops.verify", "fleetbackup.restores.request",
			"$KV.fleetbackup_plans.r1", "$JS.API.CONSUMER.MSG.NEXT.FLEETBACKUP_OPS.downloader",
			"$JS.API.STREAM.CREATE.FLEETBACKUP_OPS"},
		[]string{"fleetbackup.ops.snapshot", "fleetbackup.ops.download", "fleetbackup.runs.internal.r1"}},
	{bus.IdentityDownloader,
		[]string{"fleetbackup.ops.snapshot", "fleetbackup.ops.start", "fleetbackup.ops.load", "fleetbackup.runs.request",
			"fleetbackup.restores.request", "fleetbackup.runs.control.r1", "$KV.fleetbackup_plans.r1",
			"$JS.API.STREAM.DELETE.KV_fleetbackup_runs", "$JS.API.STREAM.PURGE.FLEETBACKUP_OPS",
			"$JS.API.CONSUMER.MSG.NEXT.FLEETBACKUP_OPS.snapshotter", "$JS.ACK.FLEETBACKUP_OPS.snapshotter.1.1.1.1.1.0"},
		[]string{"fleetbackup.ops.verify", "fleetbackup.ops.stop", "$KV.fleetbackup_artifacts.r1.aaaaa-aa",
			"$JS.API.CONSUMER.MSG.NEXT.FLEETBACKUP_OPS.downloader"}},
	{bus.IdentityVerifier,
		[]string{"fleetbackup.ops.stop", "fleetbackup.runs.request", "$KV.fleetbackup_plans.r1",
			"$KV.fleetbackup_schedules.nightly", "$JS.API.STREAM.CREATE.FLEETBACKUP_OPS", "_INBOX.forged"},
		[]string{"fleetbackup.ops.finalize", "$KV.fleetbackup_runs.r1"}},
	{bus.IdentityFinalizer,
		[]string{"fleetbackup.ops.stop", "fleetbackup.ops.finalize", "fleetbackup.runs.control.r1"},
		[]string{"$KV.fleetbackup_ops.r1.3"}},
	{bus.IdentityOperator,
		[]string{"fleetbackup.restores.request", "$KV.fleetbackup_ops.r1.0", "$KV.fleetbackup_runs.r1",
			"fleetbackup.ops.stop", "fleetbackup.runs.internal.r1", "fleetbackup.schedules.nightly",
			"$JS.API.STREAM.DELETE.KV_fleetbackup_runs", "$JS.API.STREAM.PURGE.FLEETBACKUP_REQUESTS",
			"$JS.API.STREAM.UPDATE.FLEETBACKUP_REQUESTS"},
		[]string{"fleetbackup.runs.request", "fleetbackup.runs.control.r1", "$JS.API.STREAM.MSG.GET.KV_fleetbackup_runs"}},
	{bus.IdentityRestorer,
		[]string{"$KV.fleetbackup_runs.r1", "fleetbackup.ops.load", "$JS.API.STREAM.DELETE.KV_fleetbackup_runs"},
		[]string{"fleetbackup.restores.request", "fleetbackup.runs.request"}},
	{bus.IdentityViewer,
		[]string{"fleetbackup.runs.request", "fleetbackup.restores.request", "fleetbackup.runs.control.r1",
			"$KV.fleetbackup_runs.r1", "$JS.API.CONSUMER.MSG.NEXT.FLEETBACKUP_REQUESTS.planner"},
		[]string{"$JS.API.STREAM.MSG.GET.KV_fleetbackup_ops", "$JS.API.STREAM.INFO.KV_fleetbackup_locks"}},
}

// Every cell of the permission matrix (docs/security.md) is what the server enforces: each
// identity is refused exactly the matrix's probes its grant does not allow. Probes go to a
// server without an installation, so an allowed JetStream call finds nothing to act on.
func TestSecuredServerEnforcesTheMatrix(t *testing.T) {
	s := startSecure(t, bus.PolicyConfig{WorkerSetup: true})
	names, _ := bus.NewNames("")
	for _, g := range names.Grants(bus.PolicyConfig{WorkerSetup: true}) {
		if g.Identity == bus.IdentityAdmin {
			continue // allowed everything: there is no refusal to see
		}
		t.Run(g.Identity, func(t *testing.T) {
			var subjects []string
			for _, c := range names.Capabilities() {
				for _, p := range c.Probes {
					if !p.Sub {
						subjects = append(subjects, p.Subject)
					}
				}
			}
			nc, ch := s.connect(t, g.Identity)
			refused := publishAll(t, nc, ch, subjects)
			for _, subject := range subjects {
				if want := !g.Allows(subject, false); refused[subject] != want {
					t.Errorf("%s publishing %s: refused %v, the matrix says refused %v", g.Identity, subject, refused[subject], want)
				}
			}
		})
	}
}

// Grants follow NATS's wildcards ('*' one token, '>' one or more), and another prefix gets
// permissions over its own names only (several installations can share an account).
func TestGrantsFollowWildcardsAndPrefix(t *testing.T) {
	g := bus.Grant{Pub: []string{"a.*.c", "d.>"}, Sub: []string{"_INBOX.>"}}
	for subject, want := range map[string]bool{"a.b.c": true, "a.b": false, "a.b.c.d": false, "d": false,
		"d.e": true, "d.e.f": true, "x": false, "_INBOX.x": false} {
		if g.Allows(subject, false) != want {
			t.Errorf("publish %s: allowed %v", subject, !want)
		}
	}
	if !g.Allows("_INBOX.x.y", true) || g.Allows("d.e", true) {
		t.Error("subscriptions follow the publish list")
	}
	acme, _ := bus.NewNames("acme")
	op, ok := acme.GrantOf(bus.IdentityOperator, bus.PolicyConfig{})
	if !ok || !op.Allows("acme.runs.request", false) || op.Allows("fleetbackup.runs.request", false) ||
		!op.Allows("$JS.API.STREAM.MSG.GET.KV_acme_runs", false) || op.Allows("$JS.API.STREAM.MSG.GET.KV_fleetbackup_runs", false) {
		t.Fatalf("acme's operator: %+v", op)
	}
}
