package svc

import (
	"io"
	"log/slog"
	"os"
)

// NewLogger builds the service logger: JSON lines unless the format is text, or auto and w is
// a terminal. A nil cfg means auto format at info level. Attribute keys are snake_case
// throughout fleetbackup (run_id, op, attempt, canister_id).
func NewLogger(cfg *Config, w io.Writer) *slog.Logger {
	level, err := cfg.level()
	if err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	format := LogAuto
	if cfg != nil && cfg.LogFormat != "" {
		format = cfg.LogFormat
	}
	if format == LogText || (format == LogAuto && isTerminal(w)) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// isTerminal reports whether w is a character device (a terminal), without a dependency.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
