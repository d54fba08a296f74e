package bus

// The subjects a permission names, built from an installation's Names so that another prefix
// gets its own permissions (docs/security.md). JetStream's API is request/reply on
// $JS.API.<call>.<stream>[.<consumer>[.<filter>]], acknowledgements are publishes on
// $JS.ACK.<stream>.<consumer>.>, and a KV write is a publish on $KV.<bucket>.<key>.

const (
	jsAPI = "$JS.API."
	// InboxSubjects is where replies arrive: every JetStream call, KV read and watch, and the
	// planner's answers (reply.Header) go to a client's _INBOX.
	InboxSubjects = "_INBOX.>"
	// accountInfo reads the account's JetStream usage and limits.
	accountInfo = jsAPI + "INFO"
)

// kvStream is the stream behind a bucket.
func kvStream(bucket string) string { return "KV_" + bucket }

// streamInfo reads a stream's configuration and state (binding a stream or a bucket).
func streamInfo(stream string) string { return jsAPI + "STREAM.INFO." + stream }

// consumerInfo reads a durable consumer (binding it, and the installation check of bus.Missing).
func consumerInfo(stream, consumer string) string {
	return jsAPI + "CONSUMER.INFO." + stream + "." + consumer
}

// pull is what taking work from a durable consumer needs: fetching, and acknowledging,
// extending (in progress), handing back or terminating each message.
func pull(stream, consumer string) []string {
	return []string{jsAPI + "CONSUMER.MSG.NEXT." + stream + "." + consumer, "$JS.ACK." + stream + "." + consumer + ".>"}
}

// consumerCreate creates or updates a durable consumer: the subject carries its filter when it
// has one, and ends with its name when it has several.
func consumerCreate(stream, consumer string) []string {
	base := jsAPI + "CONSUMER.CREATE." + stream + "." + consumer
	return []string{base, base + ".>"}
}

// kvRead reads single keys of a bucket: through the stream leader (direct gets are off,
// bus.Setup), or by a direct get should a bucket have them on.
func kvRead(bucket string) []string {
	s := kvStream(bucket)
	return []string{jsAPI + "STREAM.MSG.GET." + s, jsAPI + "DIRECT.GET." + s, jsAPI + "DIRECT.GET." + s + ".>"}
}

// kvWrite puts, creates, updates and deletes keys of a bucket (a compare-and-swap is a put with
// a header).
func kvWrite(bucket string) string { return "$KV." + bucket + ".>" }

// kvWatch lists and watches a bucket: an ordered consumer on its stream, created, reset and
// deleted by the client, with flow control answered on $JS.FC.
func kvWatch(bucket string) []string {
	s := kvStream(bucket)
	return []string{jsAPI + "CONSUMER.CREATE." + s, jsAPI + "CONSUMER.CREATE." + s + ".>",
		jsAPI + "CONSUMER.DELETE." + s + ".>", jsAPI + "CONSUMER.INFO." + s + ".>", "$JS.FC." + s + ".>"}
}

// kvPurge removes a settled run's records with their history (record retention).
func kvPurge(bucket string) string { return jsAPI + "STREAM.PURGE." + kvStream(bucket) }

// streamCreate and streamUpdate create and update a stream (or a bucket's stream).
func streamCreate(stream string) string { return jsAPI + "STREAM.CREATE." + stream }
func streamUpdate(stream string) string { return jsAPI + "STREAM.UPDATE." + stream }

// durables lists every durable consumer as stream and name.
func (n Names) durables() [][2]string {
	out := [][2]string{{n.RequestStream(), ConsumerPlanner}}
	for _, c := range []string{ConsumerSnapshotter, ConsumerDownloader, ConsumerVerifier, ConsumerFinalizer} {
		out = append(out, [2]string{n.OpStream(), c})
	}
	return out
}

// stateBuckets are the buckets an operator reads: every one of the installation.
func (n Names) stateBuckets() []string { return n.Buckets() }

// journalBuckets are the buckets every worker reads and writes: a worker moves the run record
// (counts, failure), its operation records and their successors', the artifact records, and
// frees the canister locks of a run it settles.
func (n Names) journalBuckets() []string {
	return []string{n.RunsBucket(), n.OpsBucket(), n.ArtifactsBucket(), n.LocksBucket()}
}
