// Package bus names fleetbackup's subjects, streams, consumers and buckets, creates them
// idempotently, and connects to a NATS server (a real one, or an embedded one).
package bus

import (
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/schedule"

	"fmt"
	"regexp"
	"strings"
)

// DefaultPrefix is the subject prefix and bucket prefix of a default installation.
const DefaultPrefix = "fleetbackup"

// Operation subject kinds (the last token of fb.ops.<kind>).
const (
	OpStop     = "stop"
	OpSnapshot = "snapshot"
	OpStart    = "start"
	OpDownload = "download"
	OpVerify   = "verify"
	OpFinalize = "finalize"
	// Restore operation subjects (DESIGN §10); restores also use stop, start and finalize.
	OpUpload = "upload"
	OpLoad   = "load"
	OpCheck  = "check"
)

// Durable consumer names, one per service that consumes a subject.
const (
	ConsumerPlanner     = "planner"
	ConsumerSnapshotter = "snapshotter"
	ConsumerDownloader  = "downloader"
	ConsumerVerifier    = "verifier"
	ConsumerFinalizer   = "finalizer"
)

var prefixPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

// Names derives every wire name of one installation from its prefix (DESIGN §3).
type Names struct {
	Prefix string
}

// NewNames validates a prefix; the empty prefix means DefaultPrefix.
func NewNames(prefix string) (Names, error) {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if !prefixPattern.MatchString(prefix) {
		return Names{}, fmt.Errorf("invalid prefix %q: want letters, digits, '_' or '-'", prefix)
	}
	return Names{Prefix: prefix}, nil
}

// RequestSubject is where run requests are published.
func (n Names) RequestSubject() string { return n.Prefix + ".runs.request" }

// RestoreRequestSubject is where restore requests are published: a subject of its own, so that
// permissions can let an operator start backups but not restores (DESIGN §10).
func (n Names) RestoreRequestSubject() string { return n.Prefix + ".restores.request" }

// ControlSubject is where control messages for one run are published.
func (n Names) ControlSubject(runID string) string { return n.Prefix + ".runs.control." + runID }

// ControlWildcard matches every run's control subject.
func (n Names) ControlWildcard() string { return n.Prefix + ".runs.control.*" }

// ControlRunID returns the run id of a control subject, and false when subject is not a
// control subject of this installation or its run id token is not a valid run id.
func (n Names) ControlRunID(subject string) (string, bool) {
	return runIDAfter(subject, n.Prefix+".runs.control.")
}

// InternalSubject is where the planner publishes messages to itself about one run (work it
// defers or wakes up later); only the planner publishes or consumes it.
func (n Names) InternalSubject(runID string) string { return n.Prefix + ".runs.internal." + runID }

// InternalWildcard matches every run's internal subject.
func (n Names) InternalWildcard() string { return n.Prefix + ".runs.internal.*" }

// InternalRunID returns the run id of an internal subject, and false when subject is not an
// internal subject of this installation or its run id token is not a valid run id.
func (n Names) InternalRunID(subject string) (string, bool) {
	return runIDAfter(subject, n.Prefix+".runs.internal.")
}

// RequestSubjects lists the subjects the planner consumes: run requests, run control and the
// planner's internal messages. The request stream captures these and the schedule
// definitions (RequestStreamSubjects), which nobody consumes.
func (n Names) RequestSubjects() []string {
	return []string{n.RequestSubject(), n.RestoreRequestSubject(), n.ControlWildcard(), n.InternalWildcard()}
}

// RequestStreamSubjects lists the subjects the request stream captures: those the planner
// consumes (RequestSubjects), and the schedule definitions, which stay in the stream until
// they are replaced or deleted (docs/schedules.md).
func (n Names) RequestStreamSubjects() []string {
	return append(n.RequestSubjects(), n.ScheduleWildcard())
}

// ScheduleSubject is the subject of schedule name's definition: a message with the
// Nats-Schedule headers, whose subject is the schedule's identity (docs/schedules.md).
func (n Names) ScheduleSubject(name string) string { return n.Prefix + ".schedules." + name }

// ScheduleWildcard matches every schedule definition's subject.
func (n Names) ScheduleWildcard() string { return n.Prefix + ".schedules.*" }

// ScheduleName returns the schedule name of a definition's subject (what the server sets in
// Nats-Scheduler on each firing), and false when subject is not a schedule subject of this
// installation or its name token is not a valid schedule name.
func (n Names) ScheduleName(subject string) (string, bool) {
	name, ok := strings.CutPrefix(subject, n.Prefix+".schedules.")
	if !ok || schedule.CheckName(name) != nil {
		return "", false
	}
	return name, true
}

// OpSubject is the dispatch subject of one operation kind.
func (n Names) OpSubject(kind string) string { return n.Prefix + ".ops." + kind }

// RequestStream captures run requests, control and internal messages, and schedule definitions.
func (n Names) RequestStream() string { return strings.ToUpper(n.Prefix) + "_REQUESTS" }

// OpStream captures operation dispatch messages.
func (n Names) OpStream() string { return strings.ToUpper(n.Prefix) + "_OPS" }

// RunsBucket holds one record per run.
func (n Names) RunsBucket() string { return n.Prefix + "_runs" }

// OpsBucket holds one record per operation (and the run's dependency barriers).
func (n Names) OpsBucket() string { return n.Prefix + "_ops" }

// PlansBucket holds each run's plan.
func (n Names) PlansBucket() string { return n.Prefix + "_plans" }

// ArtifactsBucket holds one download-journal entry per target.
func (n Names) ArtifactsBucket() string { return n.Prefix + "_artifacts" }

// LocksBucket holds one key per locked canister: the run that holds it (DESIGN §3, §4).
func (n Names) LocksBucket() string { return n.Prefix + "_locks" }

// SchedulesBucket holds one record per schedule: its last run and its skipped firings
// (schedule.State).
func (n Names) SchedulesBucket() string { return n.Prefix + "_schedules" }

// Buckets lists every KV bucket of the installation.
func (n Names) Buckets() []string {
	return []string{n.RunsBucket(), n.OpsBucket(), n.PlansBucket(), n.ArtifactsBucket(), n.LocksBucket(),
		n.SchedulesBucket()}
}

// ConsumerSubjects lists the subjects each durable consumer filters on.
func (n Names) ConsumerSubjects() map[string][]string {
	return map[string][]string{
		ConsumerSnapshotter: {n.OpSubject(OpStop), n.OpSubject(OpSnapshot), n.OpSubject(OpStart),
			n.OpSubject(OpLoad), n.OpSubject(OpCheck)},
		ConsumerDownloader: {n.OpSubject(OpDownload), n.OpSubject(OpUpload)},
		ConsumerVerifier:   {n.OpSubject(OpVerify)},
		ConsumerFinalizer:  {n.OpSubject(OpFinalize)},
	}
}

// RunIDPattern is the contract's rule for run ids (runs.IDPattern).
var RunIDPattern = runs.IDPattern

// ValidRunID reports whether s is a valid run id, and so a single subject token.
func ValidRunID(s string) bool { return RunIDPattern.MatchString(s) }

func runIDAfter(subject, prefix string) (string, bool) {
	runID, ok := strings.CutPrefix(subject, prefix)
	if !ok || !ValidRunID(runID) {
		return "", false
	}
	return runID, true
}
