package icp

import (
	"regexp"
	"slices"
	"strings"
)

// maxMessage bounds the error text kept from icp's output.
const maxMessage = 2000

var (
	ansiEscape = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]`)
	// causeIndex is the "0: " numbering of anyhow's "Caused by" list.
	causeIndex = regexp.MustCompile(`^\d+:\s*`)
)

// errorMessage extracts icp's error chain from its output: the "Error: ..." line (clap's
// "error: ..." for argument errors) and the "Caused by:" lines, joined with ": " as anyhow's
// alternate format does, without the stack backtrace, tips and usage text. Without such a line it
// keeps the first lines of stderr, or of stdout when stderr is blank.
func errorMessage(stderr, stdout []byte) string {
	text := ansiEscape.ReplaceAllString(string(stderr), "")
	if strings.TrimSpace(text) == "" {
		text = ansiEscape.ReplaceAllString(string(stdout), "")
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	chain := errorChain(lines)
	if len(chain) == 0 {
		chain = firstLines(lines, 5)
	}
	message := strings.Join(chain, ": ")
	if message == "" {
		return "no error message"
	}
	if len(message) > maxMessage {
		message = message[:maxMessage] + "..."
	}
	return strings.ToValidUTF8(message, "\uFFFD")
}

// errorChain returns the error line and its causes, or nothing when there is no error line.
// The error's own text runs to the first blank line; a "Caused by:" section follows, its causes
// numbered ("0: ...") or single, and ends at a blank or unindented line (the stack backtrace,
// clap's tips and usage).
func errorChain(lines []string) []string {
	start := slices.IndexFunc(lines, func(l string) bool {
		return strings.HasPrefix(l, "Error: ") || strings.HasPrefix(l, "error: ")
	})
	if start < 0 {
		return nil
	}
	chain := []string{strings.TrimSpace(lines[start][len("Error: "):])}
	state := "head"
	for _, l := range lines[start+1:] {
		trimmed := strings.TrimSpace(l)
		switch {
		case trimmed == "Caused by:" && state != "causes":
			state = "causes"
		case trimmed == "" && state == "causes":
			return chain
		case trimmed == "":
			state = "between"
		case state == "between" || (state == "causes" && l[0] != ' ' && l[0] != '\t'):
			return chain
		case state == "head":
			chain[0] += " " + trimmed
		case causeIndex.MatchString(trimmed) || len(chain) == 1:
			chain = append(chain, causeIndex.ReplaceAllString(trimmed, ""))
		default:
			chain[len(chain)-1] += " " + trimmed
		}
	}
	return chain
}

// firstLines returns up to n non-blank lines, trimmed, stopping at a stack backtrace.
func firstLines(lines []string, n int) []string {
	var out []string
	for _, l := range lines {
		trimmed := strings.TrimSpace(l)
		if strings.HasPrefix(trimmed, "Stack backtrace:") || len(out) == n {
			break
		}
		if trimmed = strings.TrimSuffix(trimmed, ":"); trimmed != "" {
			out = append(out, trimmed)
		}
	}
	return out
}
