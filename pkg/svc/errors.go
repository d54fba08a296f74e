package svc

import (
	"errors"
	"fmt"
)

// ErrInvalidConfig marks a service setting that is malformed, unknown or missing. Such an
// error is the operator's to fix: a service exits with status 2 on it.
var ErrInvalidConfig = errors.New("invalid configuration")

// ConfigError says which setting is wrong and why.
type ConfigError struct {
	Setting string // the flag's name, without dashes; "" for an argument that is no flag
	Value   string // the value given ("" when missing)
	Reason  string
}

// Error names the flag, its environment variable, the value and the reason.
func (e *ConfigError) Error() string {
	if e.Setting == "" {
		if e.Value == "" {
			return fmt.Sprintf("%s: %s", ErrInvalidConfig, e.Reason)
		}
		return fmt.Sprintf("%s: %q: %s", ErrInvalidConfig, e.Value, e.Reason)
	}
	return fmt.Sprintf("%s: --%s (env %s) = %q: %s", ErrInvalidConfig, e.Setting, EnvName(e.Setting), e.Value, e.Reason)
}

// Unwrap returns ErrInvalidConfig.
func (e *ConfigError) Unwrap() error { return ErrInvalidConfig }

func invalid(setting, value, reason string) error {
	return &ConfigError{Setting: setting, Value: value, Reason: reason}
}
