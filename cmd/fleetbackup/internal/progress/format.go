package progress

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// FormatBytes renders a byte count in binary units: 512 B, 1.5 KiB, 2.0 MiB.
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// FormatDuration renders a duration for people: 850ms, 3.4s, 2m05s, 1h02m.
func FormatDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// bar draws a bar of width cells, filled to done/total.
func bar(done, total int64, width int) string {
	if width <= 0 {
		return ""
	}
	filled := 0
	if total > 0 {
		filled = int(min(done, total) * int64(width) / total)
	}
	return strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
}

// pad right-pads s with spaces to width runes (or cuts it).
func pad(s string, width int) string {
	n := utf8.RuneCountInString(s)
	if n >= width {
		return cut(s, width)
	}
	return s + strings.Repeat(" ", width-n)
}

// cut shortens s to at most width runes, marking a cut with an ellipsis.
func cut(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	r := []rune(s)
	return string(r[:width-1]) + "…"
}

// shortHash is the first 12 hex digits of a checksum, for display.
func shortHash(h string) string {
	if len(h) <= 12 {
		return h
	}
	return h[:12] + "…"
}
