package runs

// Event is one change a run may undergo. Apply it with Apply, never by writing fields.
type Event interface {
	// Name is the event's name in refusals and logs.
	Name() string
	apply(r *Record) error
}

// Apply applies e to r at time now (RFC 3339), or leaves r unchanged and returns a *Refusal.
// Every applied event keeps restart_required exact and stamps updated_at.
func Apply(r *Record, e Event, now string) error {
	before := *r
	if err := e.apply(r); err != nil {
		*r = before
		return err
	}
	r.RestartRequired = r.restartRequired()
	r.UpdatedAt = now
	return nil
}
