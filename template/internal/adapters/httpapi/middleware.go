package httpapi

import (
	"context"
	"crypto/rand"
	"log/slog"
	"runtime/debug"
	"time"
)

// The behaviour every request shares, whatever the framework: the router's base middleware
// gives each request an id, a logger carrying it and, for the probes, a mark; logs it once
// served; and turns a panic into a 500 problem. Each framework's router builds that
// middleware in its own chain from the functions here, so the behaviour is written once.

type contextKey int

const (
	requestIDKey contextKey = iota
	loggerKey
	probeKey
)

const requestIDHeader = "X-Request-Id"

// requestIDFor returns the caller's X-Request-Id, sent, when it is a plausible token and a
// new id otherwise. It is the correlation id that clients quote and every log line of the
// request carries.
func requestIDFor(sent string) string {
	if validRequestID(sent) {
		return sent
	}
	return rand.Text()
}

// validRequestID accepts up to 128 printable ASCII characters, so a caller cannot inject
// anything odd into logs.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range []byte(id) {
		if c < '!' || c > '~' {
			return false
		}
	}
	return true
}

func withRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestIDFrom returns the id of the request ctx belongs to, which its responses and log
// lines carry; outside a request it is empty.
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// withLogger returns ctx with logger, carrying the request id of ctx, as the request's
// logger.
func withLogger(ctx context.Context, logger *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey, logger.With(slog.String("request_id", RequestIDFrom(ctx))))
}

// LoggerFrom returns the logger of the request ctx belongs to, which carries its request id;
// outside a request it falls back to the default.
func LoggerFrom(ctx context.Context) *slog.Logger {
	if logger, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return logger
	}
	return slog.Default()
}

// logRequest logs one line for a request served, with the request's logger. Probes are
// logged at debug level only.
func logRequest(ctx context.Context, method, path string, status int, bytes int64, elapsed time.Duration) {
	level := slog.LevelInfo
	if isProbe(ctx) {
		level = slog.LevelDebug
	}
	LoggerFrom(ctx).LogAttrs(ctx, level, "http request",
		slog.String("method", method),
		slog.String("path", path),
		slog.Int("status", status),
		slog.Int64("bytes", bytes),
		slog.Duration("duration", elapsed),
	)
}

// probePaths returns the set of the probes' paths.
func probePaths(probes []Route) map[string]bool {
	paths := make(map[string]bool, len(probes))
	for _, p := range probes {
		paths[p.Pattern] = true
	}
	return paths
}

// markProbe marks ctx as the context of a request polled by infrastructure, for isProbe.
func markProbe(ctx context.Context) context.Context {
	return context.WithValue(ctx, probeKey, true)
}

// isProbe reports whether the request of ctx is polled by infrastructure, such as a health
// probe: frequent and uninteresting.
func isProbe(ctx context.Context) bool {
	probe, _ := ctx.Value(probeKey).(bool)
	return probe
}

// logPanic logs a panic recovered while serving a request, with its stack; the client only
// gets a 500 problem quoting the request id.
func logPanic(ctx context.Context, v any) {
	LoggerFrom(ctx).LogAttrs(ctx, slog.LevelError, "panic serving request",
		slog.Any("panic", v),
		slog.String("stack", string(debug.Stack())),
	)
}
