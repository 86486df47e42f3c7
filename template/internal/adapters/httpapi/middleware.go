package httpapi

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

type contextKey int

const (
	requestIDKey contextKey = iota
	loggerKey
	probeKey
)

const requestIDHeader = "X-Request-Id"

// requestID keeps the caller's X-Request-Id when it is a plausible token and makes one up
// otherwise, echoes it in the response, and puts it in the request context. It is the
// correlation id that clients quote and every log line of the request carries.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(requestIDHeader)
		if !validRequestID(id) {
			id = rand.Text()
		}
		w.Header().Set(requestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
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

// RequestIDFrom returns the id of the request ctx belongs to, which its responses and log
// lines carry; outside a request it is empty.
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// accessLog logs one line per request with a logger carrying the request id, and hands that
// logger to the handlers through the context. Probes are logged at debug level only.
func accessLog(logger *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			reqLogger := logger.With(slog.String("request_id", RequestIDFrom(r.Context())))
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), loggerKey, reqLogger)))

			level := slog.LevelInfo
			if isProbe(r) {
				level = slog.LevelDebug
			}
			reqLogger.LogAttrs(r.Context(), level, "http request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", rec.status()),
				slog.Int64("bytes", rec.bytes),
				slog.Duration("duration", time.Since(start)),
			)
		})
	}
}

// LoggerFrom returns the logger of the request ctx belongs to, which carries its request id;
// outside a request it falls back to the default.
func LoggerFrom(ctx context.Context) *slog.Logger {
	if logger, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return logger
	}
	return slog.Default()
}

// markProbes marks the requests to the probes' paths in their context, for isProbe.
func markProbes(probes []Route) Middleware {
	paths := make(map[string]bool, len(probes))
	for _, p := range probes {
		paths[p.Pattern] = true
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if paths[r.URL.Path] {
				r = r.WithContext(context.WithValue(r.Context(), probeKey, true))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// isProbe reports whether r is polled by infrastructure, such as a health probe: frequent
// and uninteresting.
func isProbe(r *http.Request) bool {
	probe, _ := r.Context().Value(probeKey).(bool)
	return probe
}

// recoverer turns a panic into a 500 problem; the panic value and stack go to the log only.
func recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			LoggerFrom(r.Context()).LogAttrs(r.Context(), slog.LevelError, "panic serving request",
				slog.Any("panic", v),
				slog.String("stack", string(debug.Stack())),
			)
			writeProblem(w, r, internalProblem())
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBody caps the size of every request body; reading past the limit fails.
func limitBody(limit int64) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			next.ServeHTTP(w, r)
		})
	}
}

// statusRecorder remembers the status code and size of a response.
type statusRecorder struct {
	http.ResponseWriter
	code  int
	bytes int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter {
	return s.ResponseWriter
}

func (s *statusRecorder) status() int {
	if s.code == 0 {
		return http.StatusOK
	}
	return s.code
}
