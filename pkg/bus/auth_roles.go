package bus

// Identities of a secured installation (docs/security.md): one per service, three roles for
// people and programs that drive or watch runs, an administrator, and the system account's
// user (server reports).
const (
	IdentityPlanner     = "planner"
	IdentitySnapshotter = "snapshotter"
	IdentityDownloader  = "downloader"
	IdentityVerifier    = "verifier"
	IdentityFinalizer   = "finalizer"
	IdentityOperator    = "operator"
	IdentityRestorer    = "restorer"
	IdentityViewer      = "viewer"
	IdentityAdmin       = "admin"
	IdentitySystem      = "sys"
)

// ServiceIdentities lists the five services' identities, in pipeline order.
func ServiceIdentities() []string {
	return []string{IdentityPlanner, IdentitySnapshotter, IdentityDownloader, IdentityVerifier, IdentityFinalizer}
}

// AccountIdentities lists every identity of the installation's account: the services, then
// the operator, restorer, viewer and admin roles. IdentitySystem lives in the system account.
func AccountIdentities() []string {
	return append(ServiceIdentities(), IdentityOperator, IdentityRestorer, IdentityViewer, IdentityAdmin)
}

// Grant is what one identity of the installation's account may publish and subscribe to;
// everything else is refused by the server.
type Grant struct {
	Identity string
	Pub, Sub []string
}

// PolicyConfig tunes the permissions.
type PolicyConfig struct {
	// WorkerSetup lets the four workers update the two streams and create or update the
	// durable consumers, never create a stream or a bucket: every service runs bus.Setup when
	// it starts (pkg/svc), and Setup updates what exists. Only the planner and admin may create
	// the installation. Without it a worker that runs Setup is refused and never becomes ready,
	// so it stays on until the services can start without setting up (docs/security.md).
	WorkerSetup bool
}

// handsOn names the dispatch subjects each service publishes: the kinds of the operations
// that can become ready when one of its own completes (package dispatch, every order, backups
// and restores), passed on by package handoff. The planner publishes every kind: the first
// operations of a run, a retry's and a resume's, and containment's starts.
var handsOn = map[string][]string{
	IdentityPlanner: {OpStop, OpSnapshot, OpStart, OpDownload, OpVerify, OpFinalize, OpUpload, OpLoad, OpCheck},
	// stop → stop, snapshot (barrier); snapshot → start (barrier) or the next snapshot (strict);
	// start → start, download, finalize; and in restores stop → load, load → start,
	// start → check, finalize; check → check, finalize.
	IdentitySnapshotter: {OpStop, OpSnapshot, OpStart, OpDownload, OpLoad, OpCheck, OpFinalize},
	// download → verify; upload → the next upload (strict) and, once every upload is done,
	// the restore's first stops.
	IdentityDownloader: {OpVerify, OpUpload, OpStop},
	// verify → finalize, or the next target's download (strict).
	IdentityVerifier: {OpDownload, OpFinalize},
	// finalize and finalize-restore are the last operation of a run.
	IdentityFinalizer: {},
}

// Grants lists the permissions of every identity of AccountIdentities, in that order.
func (n Names) Grants(cfg PolicyConfig) []Grant {
	var out []Grant
	for _, s := range ServiceIdentities() {
		out = append(out, n.serviceGrant(s, cfg))
	}
	viewer := n.viewerPub()
	operator := append(append([]string{}, viewer...), n.RequestSubject(), n.ControlWildcard())
	restorer := append(append([]string{}, operator...), n.RestoreRequestSubject())
	inbox := []string{InboxSubjects}
	return append(out,
		Grant{Identity: IdentityOperator, Pub: operator, Sub: inbox},
		Grant{Identity: IdentityRestorer, Pub: restorer, Sub: inbox},
		Grant{Identity: IdentityViewer, Pub: viewer, Sub: inbox},
		Grant{Identity: IdentityAdmin, Pub: []string{">"}, Sub: []string{">"}})
}

// GrantOf returns one identity's grant, and false for an identity that has none.
func (n Names) GrantOf(identity string, cfg PolicyConfig) (Grant, bool) {
	for _, g := range n.Grants(cfg) {
		if g.Identity == identity {
			return g, true
		}
	}
	return Grant{}, false
}

// installInfo reads what bus.Missing checks (every service does every 5 s): the streams, the
// buckets and the durable consumers.
func (n Names) installInfo() []string {
	pub := []string{streamInfo(n.RequestStream()), streamInfo(n.OpStream())}
	for _, b := range n.Buckets() {
		pub = append(pub, streamInfo(kvStream(b)))
	}
	for _, d := range n.durables() {
		pub = append(pub, consumerInfo(d[0], d[1]))
	}
	return pub
}

func (n Names) serviceGrant(service string, cfg PolicyConfig) Grant {
	stream := n.OpStream()
	if service == IdentityPlanner {
		stream = n.RequestStream()
	}
	pub := append(n.installInfo(), pull(stream, service)...)
	for _, b := range n.journalBuckets() {
		pub = append(append(pub, kvWrite(b)), kvRead(b)...)
	}
	pub = append(append(pub, kvRead(n.PlansBucket())...), n.InternalWildcard())
	for _, kind := range handsOn[service] {
		pub = append(pub, n.OpSubject(kind))
	}
	switch {
	case service == IdentityPlanner:
		pub = append(pub, n.plannerPub()...)
	case cfg.WorkerSetup:
		pub = append(pub, n.updatePub()...)
	}
	return Grant{Identity: service, Pub: pub, Sub: []string{InboxSubjects}}
}

// plannerPub is what the planner does besides a worker's job: it writes plans and schedule
// records, watches the runs bucket (metrics, record retention), purges settled runs' records,
// answers on the subject a requester names (an _INBOX), and creates the installation
// (creating a bucket reads the account's JetStream limits first).
func (n Names) plannerPub() []string {
	pub := []string{kvWrite(n.PlansBucket()), kvWrite(n.SchedulesBucket()), InboxSubjects, accountInfo}
	pub = append(append(pub, kvRead(n.SchedulesBucket())...), kvWatch(n.RunsBucket())...)
	for _, b := range []string{n.RunsBucket(), n.OpsBucket(), n.PlansBucket(), n.ArtifactsBucket()} {
		pub = append(pub, kvPurge(b))
	}
	for _, s := range append([]string{n.RequestStream(), n.OpStream()}, n.kvStreams()...) {
		pub = append(pub, streamCreate(s), streamUpdate(s))
	}
	return append(pub, n.updatePub()...)
}

// updatePub updates the two streams and creates or updates every durable consumer: what
// bus.Setup does on an installation that exists.
func (n Names) updatePub() []string {
	pub := []string{streamUpdate(n.RequestStream()), streamUpdate(n.OpStream())}
	for _, d := range n.durables() {
		pub = append(pub, consumerCreate(d[0], d[1])...)
	}
	return pub
}

// viewerPub reads every record (get, list, watch) and the schedule definitions.
func (n Names) viewerPub() []string {
	pub := append(n.installInfo(), jsAPI+"STREAM.MSG.GET."+n.RequestStream())
	for _, b := range n.stateBuckets() {
		pub = append(append(pub, kvRead(b)...), kvWatch(b)...)
	}
	return pub
}

func (n Names) kvStreams() []string {
	var out []string
	for _, b := range n.Buckets() {
		out = append(out, kvStream(b))
	}
	return out
}
