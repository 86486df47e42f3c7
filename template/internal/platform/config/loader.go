package config

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Loader reads typed configuration variables and collects every problem instead of stopping
// at the first. An empty or blank value counts as unset. A value that does not parse is a
// problem, and the default is returned in its place so reading can go on.
type Loader struct {
	lookup func(string) (string, bool)
	errs   []error
}

// NewLoader returns a Loader reading variables through lookup, which has the signature of
// os.LookupEnv.
func NewLoader(lookup func(string) (string, bool)) *Loader {
	return &Loader{lookup: lookup}
}

// Err returns every problem found so far, one per line, or nil.
func (l *Loader) Err() error {
	return errors.Join(l.errs...)
}

// Fail records a problem with the variable key.
func (l *Loader) Fail(key, format string, args ...any) {
	l.errs = append(l.errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
}

func (l *Loader) value(key string) (string, bool) {
	v, ok := l.lookup(key)
	if !ok || strings.TrimSpace(v) == "" {
		return "", false
	}
	return strings.TrimSpace(v), true
}

// String reads key, or returns def.
func (l *Loader) String(key, def string) string {
	if v, ok := l.value(key); ok {
		return v
	}
	return def
}

// Secret reads the required secret key; a problem never quotes its value.
func (l *Loader) Secret(key string) Secret {
	v, ok := l.value(key)
	if !ok {
		l.Fail(key, "required")
	}
	return Secret(v)
}

// Duration reads key as a positive duration such as 5s, or returns def.
func (l *Loader) Duration(key string, def time.Duration) time.Duration {
	v, ok := l.value(key)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		l.Fail(key, "%q is not a positive duration such as 500ms, 5s or 1m", v)
		return def
	}
	return d
}

// Int64 reads key as an integer from minimum to maximum, or returns def.
func (l *Loader) Int64(key string, def, minimum, maximum int64) int64 {
	v, ok := l.value(key)
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < minimum || n > maximum {
		l.Fail(key, "%q is not an integer from %d to %d", v, minimum, maximum)
		return def
	}
	return n
}

// Int32 reads key as an integer from minimum to maximum, or returns def.
func (l *Loader) Int32(key string, def, minimum, maximum int32) int32 {
	v, ok := l.value(key)
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n < int64(minimum) || n > int64(maximum) {
		l.Fail(key, "%q is not an integer from %d to %d", v, minimum, maximum)
		return def
	}
	return int32(n)
}

// Int reads key as an integer from minimum to maximum, or returns def.
func (l *Loader) Int(key string, def, minimum, maximum int) int {
	return int(l.Int64(key, int64(def), int64(minimum), int64(maximum)))
}

// Bool reads key as a boolean (true or false, 1 or 0), or returns def.
func (l *Loader) Bool(key string, def bool) bool {
	v, ok := l.value(key)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		l.Fail(key, "%q is not a boolean (true or false)", v)
		return def
	}
	return b
}

// LogLevel reads key as one of debug, info, warn or error, or returns def.
func (l *Loader) LogLevel(key string, def slog.Level) slog.Level {
	v, ok := l.value(key)
	if !ok {
		return def
	}
	switch strings.ToLower(v) {
	case "debug":
		return slog.LevelDebug
	case "info":
		return slog.LevelInfo
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	l.Fail(key, "%q is not one of debug, info, warn, error", v)
	return def
}
