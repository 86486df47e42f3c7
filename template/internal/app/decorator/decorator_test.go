package decorator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type CreateWidgetHandler struct{ err error }

func (h *CreateWidgetHandler) Handle(_ context.Context, name string) (string, error) {
	if h.err != nil {
		return "", h.err
	}
	return "widget " + name, nil
}

type WidgetCountHandler struct{}

func (WidgetCountHandler) Handle(context.Context, struct{}) (int, error) { return 3, nil }

func logRecords(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var records []map[string]any
	dec := json.NewDecoder(buf)
	for dec.More() {
		var r map[string]any
		require.NoError(t, dec.Decode(&r))
		records = append(records, r)
	}
	return records
}

func debugLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestHandlerName(t *testing.T) {
	assert.Equal(t, "CreateWidget", handlerName(&CreateWidgetHandler{}))
	assert.Equal(t, "WidgetCount", handlerName(WidgetCountHandler{}))
}

func TestCommandDecoratorsLogSuccess(t *testing.T) {
	var buf bytes.Buffer
	h := ApplyCommandDecorators[string, string](&CreateWidgetHandler{}, Logging(debugLogger(&buf)))

	got, err := h.Handle(context.Background(), "blue")

	require.NoError(t, err)
	assert.Equal(t, "widget blue", got)
	records := logRecords(t, &buf)
	require.Len(t, records, 1)
	assert.Equal(t, "DEBUG", records[0]["level"])
	assert.Equal(t, "command", records[0]["kind"])
	assert.Equal(t, "CreateWidget", records[0]["handler"])
	assert.Contains(t, records[0], "duration")
	assert.NotContains(t, buf.String(), "blue", "the command itself is never logged")
}

func TestCommandDecoratorsLogFailure(t *testing.T) {
	var buf bytes.Buffer
	boom := errors.New("boom")
	h := ApplyCommandDecorators[string, string](&CreateWidgetHandler{err: boom}, Logging(debugLogger(&buf)))

	_, err := h.Handle(context.Background(), "blue")

	require.ErrorIs(t, err, boom)
	records := logRecords(t, &buf)
	require.Len(t, records, 1)
	assert.Equal(t, "WARN", records[0]["level"])
	assert.Equal(t, "boom", records[0]["error"])
}

func TestQueryDecorators(t *testing.T) {
	var buf bytes.Buffer
	h := ApplyQueryDecorators[struct{}, int](WidgetCountHandler{}, Logging(debugLogger(&buf)))

	got, err := h.Handle(context.Background(), struct{}{})

	require.NoError(t, err)
	assert.Equal(t, 3, got)
	records := logRecords(t, &buf)
	require.Len(t, records, 1)
	assert.Equal(t, "query", records[0]["kind"])
	assert.Equal(t, "WidgetCount", records[0]["handler"])
}

func TestDecoratorsRunInOrderFirstInnermost(t *testing.T) {
	var calls []string
	mark := func(label string) Decorator {
		return func(h Handler, next Func) Func {
			return func(ctx context.Context, in any) (any, error) {
				calls = append(calls, label+" "+h.Kind+" "+h.Name)
				return next(ctx, in)
			}
		}
	}
	h := ApplyQueryDecorators[struct{}, int](WidgetCountHandler{}, mark("inner"), mark("outer"))

	got, err := h.Handle(context.Background(), struct{}{})

	require.NoError(t, err)
	assert.Equal(t, 3, got)
	assert.Equal(t, []string{"outer query WidgetCount", "inner query WidgetCount"}, calls)
}

func TestDecoratedFailureReturnsTheZeroResult(t *testing.T) {
	boom := errors.New("boom")
	h := ApplyCommandDecorators[string, string](&CreateWidgetHandler{err: boom}, func(_ Handler, next Func) Func {
		return func(ctx context.Context, in any) (any, error) {
			_, err := next(ctx, in)
			return nil, err
		}
	})

	got, err := h.Handle(context.Background(), "blue")

	require.ErrorIs(t, err, boom)
	assert.Empty(t, got)
}
