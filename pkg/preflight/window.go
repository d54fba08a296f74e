package preflight

import (
	"math"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/timestamp"
)

// TTL is how long receipts stay valid after validated_at.
const TTL = 300 * time.Second

// Window field names, as InvalidTimestamp reports them.
const (
	fieldValidatedAt = "preflight_receipts[].validated_at"
	fieldExpiresAt   = "preflight_receipts[].expires_at"
	fieldAsOf        = "preflight_receipts.as_of"
)

// ID is the preflight id of a run: "preflight-" + runID.
func ID(runID string) string { return "preflight-" + runID }

// ExpiresAt is validatedAt plus TTL as a marker. A validatedAt that is not a marker is
// replaced by the current time for the arithmetic (receipts then fail the window check).
func ExpiresAt(validatedAt string) string {
	return expiresAt(validatedAt, time.Now())
}

func expiresAt(validatedAt string, now time.Time) string {
	start, err := timestamp.Parse(validatedAt)
	if err != nil {
		start = uint64(max(now.Unix(), 0))
	}
	ttl := uint64(TTL / time.Second)
	if start > math.MaxUint64-ttl {
		return timestamp.FromSeconds(math.MaxUint64)
	}
	return timestamp.FromSeconds(start + ttl)
}

// parseMarker parses one window marker, reporting field on failure.
func parseMarker(field, value string, index int) (uint64, error) {
	s, err := timestamp.Parse(value)
	if err != nil {
		return 0, &Error{Err: ErrInvalidTimestamp, Field: field, Index: index, Value: value}
	}
	return s, nil
}

// checkWindow applies the window rule of DOMAIN §3.2: validated <= as_of < expires.
func checkWindow(preflightID, validatedAt, expiresAt, asOf string, index int) error {
	validated, err := parseMarker(fieldValidatedAt, validatedAt, index)
	if err != nil {
		return err
	}
	expires, err := parseMarker(fieldExpiresAt, expiresAt, index)
	if err != nil {
		return err
	}
	now, err := parseMarker(fieldAsOf, asOf, -1)
	if err != nil {
		return err
	}
	e := &Error{Index: index, PreflightID: preflightID}
	switch {
	case validated >= expires:
		e.Err, e.ValidatedAt, e.ExpiresAt = ErrPreflightReceiptInvalidWindow, validatedAt, expiresAt
	case now < validated:
		e.Err, e.ValidatedAt, e.AsOf = ErrPreflightReceiptNotYetValid, validatedAt, asOf
	case now >= expires:
		e.Err, e.ExpiresAt, e.AsOf = ErrPreflightReceiptExpired, expiresAt, asOf
	default:
		return nil
	}
	return e
}
