package icp

import "strings"

// Phrases that classify an icp failure, matched in lower case. The IC's reject code decides
// first (agent errors print "reject code SysTransient, ..."), then permanent phrases, then
// transient ones.
var (
	transientRejects = []string{"reject code systransient", "reject code: systransient", "reject code 2,"}
	permanentRejects = []string{"reject code sysfatal", "reject code destinationinvalid", "reject code canisterreject",
		"reject code canistererror", "reject code: sysfatal", "reject code: destinationinvalid",
		"reject code: canisterreject", "reject code: canistererror"}
	permanentPhrases = []string{
		"not a controller", "only the controllers", "only controllers", "unauthorized", "not authorized",
		"forbidden", "permission denied", "not found", "does not exist", "no such", "invalid argument",
		"invalid value", "invalid principal", "failed to parse", "failed to locate project directory",
		"is not stopped", "is running", "is currently running", "stop the canister first", "snapshot limit",
		"maximum number of snapshots allowed",
		"already holds", "out of cycles", "missing required file",
	}
	transientPhrases = []string{
		"timed out", "timeout", "deadline", "connection refused", "connection reset", "connection closed",
		"connection aborted", "connect error", "broken pipe", "network", "dns", "failed to fetch root key",
		"error sending request", "temporarily", "unavailable", "rate limit", "too many requests",
		"bad gateway", "busy", "overloaded", "try again",
	}
)

// transient classifies a failed icp command from its exit status and error message: exit
// status 1 (icp's error exit) is transient when the message says so or says nothing known, and
// permanent when it names a rejection that a retry cannot fix. Other statuses (a panic's 101, a
// status icp never uses) are permanent unless the message is transient.
func transient(status int, message string) bool {
	m := strings.ToLower(message)
	switch {
	case containsAny(m, transientRejects):
		return true
	case containsAny(m, permanentRejects), containsAny(m, permanentPhrases):
		return false
	case containsAny(m, transientPhrases):
		return true
	}
	return status == 1
}

func containsAny(s string, phrases []string) bool {
	for _, p := range phrases {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}
