package schedule

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/request"
)

// Definition is a schedule as stored on its subject: the headers the server reads and the
// body it publishes to Target at each firing, a run request without run_id.
type Definition struct {
	Name     string          `json:"name"`
	Cron     string          `json:"cron"`
	TimeZone string          `json:"time_zone,omitempty"`
	Target   string          `json:"target"`
	Request  json.RawMessage `json:"request"`
	// Prune is the schedule's prune policy (header Fleetbackup-Prune, ParsePrune), applied to
	// its own backups at each firing; "" for none.
	Prune string `json:"prune,omitempty"`
}

// ErrRunIDInSchedule refuses a scheduled request that names a run id: every firing would
// then be the same run.
var ErrRunIDInSchedule = errors.New("a scheduled request must not name a run_id: each firing runs as <schedule>-<UTC time>")

// Check validates a definition before it is published: the name, the expression and time
// zone (Parse), the request, decoded as the planner will decode each firing's copy, and the
// prune policy if there is one (ParsePrune). It returns the parsed expression.
func (d Definition) Check() (Spec, error) {
	if err := CheckName(d.Name); err != nil {
		return Spec{}, err
	}
	spec, err := Parse(d.Cron, d.TimeZone)
	if err != nil {
		return Spec{}, err
	}
	if _, err := CheckRequest(d.Request); err != nil {
		return Spec{}, err
	}
	if d.Prune != "" {
		if _, err := ParsePrune(d.Prune); err != nil {
			return Spec{}, err
		}
	}
	return spec, nil
}

// CheckRequest decodes a scheduled request strictly (package request) and refuses a run_id.
func CheckRequest(body []byte) (*request.Request, error) {
	req, err := request.DecodeRequest(body)
	if err != nil {
		return nil, err
	}
	if req.RunID != "" {
		return nil, &request.RequestError{Field: "run_id", Reason: ErrRunIDInSchedule.Error(), Err: ErrRunIDInSchedule}
	}
	return req, nil
}

// Headers are the definition's message headers.
func (d Definition) Headers() map[string]string {
	h := map[string]string{HeaderSchedule: d.Cron, HeaderTarget: d.Target}
	if d.TimeZone != "" {
		h[HeaderTimeZone] = d.TimeZone
	}
	if d.Prune != "" {
		h[HeaderPrune] = d.Prune
	}
	return h
}

// Summary is a one-line description of a scheduled request, for listings: fleet, network,
// scope and selector, and what is not the default; or why the request is invalid, shortened.
func Summary(body []byte) string {
	req, err := request.DecodeRequest(body)
	if err != nil {
		reason := []rune(err.Error())
		if len(reason) > 60 {
			reason = append(reason[:60], '…')
		}
		return "invalid request: " + string(reason)
	}
	s := fmt.Sprintf("%s/%s %s", req.Fleet, req.Network, req.Scope)
	if req.Selector != "" {
		s += " " + req.Selector
	}
	if req.IncludeDescendants {
		s += " +descendants"
	}
	if req.Order != "" && req.Order != dispatch.Parallel {
		s += " order=" + string(req.Order)
	}
	if req.OnConflict != "" && req.OnConflict != request.OnConflictReject {
		s += " on-conflict=" + string(req.OnConflict)
	}
	return s
}
