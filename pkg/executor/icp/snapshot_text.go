package icp

import (
	"fmt"
	"strings"
)

// ParseSnapshotIDText picks a snapshot id out of `icp canister snapshot create --quiet` output or
// of human output, by the reference runner's rule (DOMAIN §10.2): the whole trimmed output if it
// is a token, otherwise the first token among the parts of every line split on white space and
// the characters " ' : ,. A token is non-empty, of even length, and hex only. The executor itself
// reads `--json`; this is for output from other tools and scripts.
func ParseSnapshotIDText(out string) (string, error) {
	trimmed := strings.TrimSpace(out)
	if isHex(trimmed, 0) {
		return trimmed, nil
	}
	for _, line := range strings.Split(trimmed, "\n") {
		parts := strings.FieldsFunc(line, func(r rune) bool {
			return r == ' ' || r == '\t' || r == '\r' || r == '"' || r == '\'' || r == ':' || r == ','
		})
		for _, p := range parts {
			if isHex(p, 0) {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("%w: could not parse snapshot id from icp output: %s", ErrBadOutput, trimmed)
}
