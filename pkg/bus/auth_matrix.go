package bus

import (
	"strings"
)

// Capability is one row of the permission matrix (docs/security.md): what it is, and the
// subjects that probe it. An identity holds a probe when its grant allows the subject.
type Capability struct {
	What   string
	Probes []Probe
}

// Probe is one subject of a capability; Label names it in the matrix when a row has several.
type Probe struct {
	Label, Subject string
	Sub            bool // a subscription; a publish otherwise
}

// Allows reports whether the grant lets its identity publish (or subscribe to) subject.
func (g Grant) Allows(subject string, sub bool) bool {
	list := g.Pub
	if sub {
		list = g.Sub
	}
	for _, p := range list {
		if subjectMatch(p, subject) {
			return true
		}
	}
	return false
}

// subjectMatch is NATS's rule for a pattern ('*' one token, '>' the rest) and a subject.
func subjectMatch(pattern, subject string) bool {
	pt, st := strings.Split(pattern, "."), strings.Split(subject, ".")
	for i, p := range pt {
		if p == ">" {
			return len(st) > i
		}
		if i >= len(st) || (p != "*" && p != st[i]) {
			return false
		}
	}
	return len(pt) == len(st)
}

// Capabilities lists the matrix's rows for this installation, with a sample run id (r1),
// schedule name (nightly) and key where a subject needs one.
func (n Names) Capabilities() []Capability {
	one := func(what, subject string) Capability { return Capability{what, []Probe{{Subject: subject}}} }
	caps := []Capability{
		one("start a backup (`"+n.RequestSubject()+"`)", n.RequestSubject()),
		one("start a restore (`"+n.RestoreRequestSubject()+"`)", n.RestoreRequestSubject()),
		one("retry, abort or resume a run (`"+n.ControlWildcard()+"`)", n.ControlSubject("r1")),
		one("the planner's internal actions (`"+n.InternalWildcard()+"`)", n.InternalSubject("r1")),
		one("define a schedule (`"+n.ScheduleWildcard()+"`)", n.ScheduleSubject("nightly")),
		n.dispatchCapability(), n.pullCapability(),
	}
	for _, b := range n.Buckets() {
		caps = append(caps, Capability{"bucket `" + b + "`", []Probe{
			{Label: "read", Subject: kvRead(b)[0]}, {Label: "write", Subject: "$KV." + b + ".r1"},
			{Label: "watch", Subject: jsAPI + "CONSUMER.CREATE." + kvStream(b) + ".w1.$KV." + b + ".r1"}, {Label: "purge", Subject: kvPurge(b)}}})
	}
	return append(caps, n.adminCapabilities()...)
}

func (n Names) dispatchCapability() Capability {
	c := Capability{What: "dispatch operations (`" + n.Prefix + ".ops.<kind>`)"}
	for _, k := range []string{OpStop, OpSnapshot, OpStart, OpDownload, OpVerify, OpFinalize, OpUpload, OpLoad, OpCheck} {
		c.Probes = append(c.Probes, Probe{Label: k, Subject: n.OpSubject(k)})
	}
	return c
}

func (n Names) pullCapability() Capability {
	c := Capability{What: "take and acknowledge work from the durable consumer"}
	for _, d := range n.durables() {
		c.Probes = append(c.Probes, Probe{Label: d[1], Subject: pull(d[0], d[1])[0]})
	}
	return c
}

func (n Names) adminCapabilities() []Capability {
	one := func(what, subject string) Capability { return Capability{what, []Probe{{Subject: subject}}} }
	return []Capability{
		{"create the streams and buckets", []Probe{{Label: "streams", Subject: streamCreate(n.OpStream())},
			{Label: "buckets", Subject: streamCreate(kvStream(n.RunsBucket()))}}},
		one("update the streams", streamUpdate(n.RequestStream())),
		one("create or update the durable consumers", consumerCreate(n.OpStream(), ConsumerDownloader)[0]),
		one("read the request stream (schedule definitions)", jsAPI+"STREAM.MSG.GET."+n.RequestStream()),
		one("delete a stream or a bucket", jsAPI+"STREAM.DELETE."+kvStream(n.RunsBucket())),
		one("delete a durable consumer", jsAPI+"CONSUMER.DELETE."+n.OpStream()+"."+ConsumerDownloader),
		one("purge the request or operation stream", jsAPI+"STREAM.PURGE."+n.RequestStream()),
		one("answer a requester (publish on `_INBOX.>`)", "_INBOX.x"),
		{"receive replies (subscribe to `_INBOX.>`)", []Probe{{Subject: "_INBOX.x", Sub: true}}},
		one("any other subject", "anything.else"),
	}
}

// PermissionMatrix renders the matrix as a Markdown table: one row per capability, one column
// per identity of the installation's account; a cell lists the probes held (✓ for a single
// probe, all when every one of several), or – for none.
func (n Names) PermissionMatrix(cfg PolicyConfig) string {
	grants := n.Grants(cfg)
	var b strings.Builder
	b.WriteString("| capability |")
	for _, g := range grants {
		b.WriteString(" " + g.Identity + " |")
	}
	b.WriteString("\n| --- |" + strings.Repeat(" --- |", len(grants)) + "\n")
	for _, c := range n.Capabilities() {
		b.WriteString("| " + c.What + " |")
		for _, g := range grants {
			b.WriteString(" " + cell(g, c) + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func cell(g Grant, c Capability) string {
	var held []string
	for _, p := range c.Probes {
		if g.Allows(p.Subject, p.Sub) {
			held = append(held, p.Label)
		}
	}
	switch {
	case len(held) == 0:
		return "–"
	case len(c.Probes) == 1:
		return "✓"
	case len(held) == len(c.Probes):
		return "all"
	}
	return strings.Join(held, ", ")
}
