package grpcapi

import (
	"context"
	"crypto/rand"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

type contextKey int

const (
	requestIDKey contextKey = iota
	loggerKey
)

// requestIDHeader is the metadata key of the correlation id, as X-Request-Id is in the REST
// API.
const requestIDHeader = "x-request-id"

// withRequestID keeps the caller's x-request-id when it is a plausible token and makes one up
// otherwise, and returns ctx carrying it and a logger that logs it.
func withRequestID(ctx context.Context, logger *slog.Logger) (context.Context, string, *slog.Logger) {
	id := ""
	if values := metadata.ValueFromIncomingContext(ctx, requestIDHeader); len(values) > 0 {
		id = values[0]
	}
	if !validRequestID(id) {
		id = rand.Text()
	}
	reqLogger := logger.With(slog.String("request_id", id))
	ctx = context.WithValue(ctx, requestIDKey, id)
	return context.WithValue(ctx, loggerKey, reqLogger), id, reqLogger
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

func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// loggerFrom returns the call's logger; outside a call it falls back to the default.
func loggerFrom(ctx context.Context) *slog.Logger {
	if logger, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return logger
	}
	return slog.Default()
}

// isProbe reports whether method is polled by infrastructure (health checks, reflection):
// frequent and uninteresting, so logged at debug level only.
func isProbe(method string) bool {
	return strings.HasPrefix(method, "/"+healthpb.Health_ServiceDesc.ServiceName+"/") ||
		strings.HasPrefix(method, "/grpc.reflection.")
}

// logCalls gives every unary call its request id, sent back in the response header, and logs
// one line per call with its method, status code and duration.
func logCalls(logger *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		start := time.Now()
		ctx, id, reqLogger := withRequestID(ctx, logger)
		if err := grpc.SetHeader(ctx, metadata.Pairs(requestIDHeader, id)); err != nil {
			reqLogger.LogAttrs(ctx, slog.LevelWarn, "grpc: request id header not sent", slog.Any("error", err))
		}
		resp, err := handler(ctx, req)
		logCall(ctx, reqLogger, info.FullMethod, err, start)
		return resp, err
	}
}

// logStreams does for streaming calls what logCalls does for unary ones.
func logStreams(logger *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		start := time.Now()
		ctx, id, reqLogger := withRequestID(ss.Context(), logger)
		if err := ss.SetHeader(metadata.Pairs(requestIDHeader, id)); err != nil {
			reqLogger.LogAttrs(ctx, slog.LevelWarn, "grpc: request id header not sent", slog.Any("error", err))
		}
		err := handler(srv, &contextStream{ServerStream: ss, ctx: ctx})
		logCall(ctx, reqLogger, info.FullMethod, err, start)
		return err
	}
}

func logCall(ctx context.Context, logger *slog.Logger, method string, err error, start time.Time) {
	level := slog.LevelInfo
	if isProbe(method) {
		level = slog.LevelDebug
	}
	logger.LogAttrs(ctx, level, "grpc call",
		slog.String("method", method),
		slog.String("code", status.Code(err).String()),
		slog.Duration("duration", time.Since(start)),
	)
}

// contextStream is a server stream with the context of its interceptors.
type contextStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *contextStream) Context() context.Context { return s.ctx }

// recoverPanics turns a panic into an INTERNAL status; the panic value and stack go to the
// log only.
func recoverPanics(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = panicked(ctx, info.FullMethod, v)
		}
	}()
	return handler(ctx, req)
}

// recoverStreamPanics does for streaming calls what recoverPanics does for unary ones.
func recoverStreamPanics(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = panicked(ss.Context(), info.FullMethod, v)
		}
	}()
	return handler(srv, ss)
}

func panicked(ctx context.Context, method string, v any) error {
	loggerFrom(ctx).LogAttrs(ctx, slog.LevelError, "panic serving grpc call",
		slog.String("method", method),
		slog.Any("panic", v),
		slog.String("stack", string(debug.Stack())),
	)
	return internalStatus(ctx).Err()
}

// limitDeadline gives a call without a deadline the default one, and caps a later deadline at
// maxDeadline from now.
func limitDeadline(def, maxDeadline time.Duration) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		timeout := def
		if deadline, ok := ctx.Deadline(); ok {
			timeout = min(time.Until(deadline), maxDeadline)
		}
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return handler(ctx, req)
	}
}

// answerErrors turns the error of a call into the status its client gets; see statusOf.
func answerErrors(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	resp, err := handler(ctx, req)
	if err != nil {
		return nil, statusOf(ctx, err).Err()
	}
	return resp, nil
}
