package config

import "log/slog"

// Secret is a configuration value that must never be printed: fmt and log/slog show it redacted.
// Call Value where the secret is used.
type Secret string

const redacted = "[REDACTED]"

// Value returns the secret itself.
func (s Secret) Value() string { return string(s) }

// String implements fmt.Stringer without revealing the secret.
func (Secret) String() string { return redacted }

// GoString implements fmt.GoStringer without revealing the secret.
func (Secret) GoString() string { return redacted }

// LogValue implements slog.LogValuer without revealing the secret.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }
