package grpcapi

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/emptypb"
)

// callApp makes a call of the preset that reaches the application, with an empty request
// (every request message decodes from no bytes), and returns the response header and error.
func callApp(ctx context.Context, conn *grpc.ClientConn) (metadata.MD, error) {
	var header metadata.MD
	err := conn.Invoke(ctx, appMethod, &emptypb.Empty{}, &emptypb.Empty{}, grpc.Header(&header))
	return header, err
}

func TestPanicsAnswerInternal(t *testing.T) {
	logs := &syncBuffer{}
	conn := dialBufconn(t, newApplication(failing(errors.New("secret state"), true)),
		Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))})

	header, err := callApp(t.Context(), conn)

	st := requireStatus(t, err, codes.Internal, "internal")
	assert.NotContains(t, st.Message(), "secret")
	id := header.Get(requestIDHeader)
	require.Len(t, id, 1)
	assert.Equal(t, id[0], detail[*errdetails.RequestInfo](t, st).GetRequestId())
	assert.Contains(t, logs.String(), "panic serving grpc call")
	assert.Contains(t, logs.String(), "secret state", "the panic goes to the log")
	assert.Contains(t, logs.String(), `"code":"Internal"`, "the call is logged once it is answered")
}

func TestRequestIDIsKeptOrMadeUp(t *testing.T) {
	conn := dialBufconn(t, newApplication(failing(errors.New("any"), false)), Options{})
	for _, tc := range []struct {
		sent string
		kept bool
	}{
		{"trace-42", true},
		{"", false},
		{"has space", false},
		{strings.Repeat("x", 129), false},
	} {
		ctx := t.Context()
		if tc.sent != "" {
			ctx = metadata.AppendToOutgoingContext(ctx, requestIDHeader, tc.sent)
		}
		header, _ := callApp(ctx, conn)
		got := header.Get(requestIDHeader)
		require.Len(t, got, 1)
		if tc.kept {
			assert.Equal(t, tc.sent, got[0])
		} else {
			assert.NotEqual(t, tc.sent, got[0])
			assert.True(t, validRequestID(got[0]))
		}
	}
}

func TestCallsAreLoggedAndProbesQuietly(t *testing.T) {
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	conn := dialBufconn(t, newApplication(failing(errors.New("any"), false)), Options{Logger: logger})

	_, _ = callApp(t.Context(), conn)
	require.NoError(t, conn.Invoke(t.Context(), "/grpc.health.v1.Health/Check", &emptypb.Empty{}, &emptypb.Empty{}))

	assert.Contains(t, logs.String(), `"method":"`+appMethod+`"`)
	assert.NotContains(t, logs.String(), "grpc.health.v1", "health checks are logged at debug level only")
	assert.True(t, isProbe("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"))
}

func TestDeadlines(t *testing.T) {
	deadlineOf := func(ctx context.Context) time.Duration {
		var left time.Duration
		_, err := limitDeadline(time.Second, time.Minute)(ctx, nil, &grpc.UnaryServerInfo{},
			func(ctx context.Context, _ any) (any, error) {
				deadline, ok := ctx.Deadline()
				require.True(t, ok, "every call has a deadline")
				left = time.Until(deadline)
				return nil, nil
			})
		require.NoError(t, err)
		return left
	}
	within := func(ctx context.Context, d time.Duration) context.Context {
		ctx, cancel := context.WithTimeout(ctx, d)
		t.Cleanup(cancel)
		return ctx
	}

	assert.InDelta(t, time.Second, deadlineOf(t.Context()), float64(100*time.Millisecond), "the default")
	assert.InDelta(t, time.Minute, deadlineOf(within(t.Context(), time.Hour)), float64(time.Second), "capped")
	assert.InDelta(t, 10*time.Second, deadlineOf(within(t.Context(), 10*time.Second)), float64(time.Second), "the client's")
}
