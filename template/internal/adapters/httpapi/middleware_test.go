package httpapi

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRecovererAnswersAProblemAndLogsTheStack(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	panicking := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret internal state") })
	h := requestID(accessLog(logger)(recoverer(panicking)))

	rec := serve(h, http.MethodGet, "/boom", "", "")

	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	p := decodeProblem(t, rec)
	assert.Equal(t, "internal", p.Code)
	assert.NotContains(t, rec.Body.String(), "secret internal state")
	assert.Contains(t, logs.String(), "secret internal state")
	assert.Contains(t, logs.String(), "goroutine", "the stack is logged")
}

func TestRecovererRepanicsAbortHandler(t *testing.T) {
	h := recoverer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))

	assert.PanicsWithError(t, http.ErrAbortHandler.Error(), func() {
		serve(h, http.MethodGet, "/", "", "")
	})
}

func TestWriteErrorHidesUnknownErrors(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	failing := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, errors.New("pq: connection to 10.0.0.7 refused"))
	})
	h := requestID(accessLog(logger)(failing))

	rec := serve(h, http.MethodGet, "/", "", "")

	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	p := decodeProblem(t, rec)
	assert.NotEmpty(t, p.RequestID)
	assert.NotContains(t, rec.Body.String(), "10.0.0.7")
	assert.Contains(t, logs.String(), "10.0.0.7")
	assert.Contains(t, logs.String(), p.RequestID)
}

func TestLimitBody(t *testing.T) {
	var decodeErr error
	h := limitBody(8)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		var v map[string]string
		decodeErr = decodeJSON(r, &v)
	}))

	serve(h, http.MethodPost, "/", "application/json", `{"name":"far too long"}`)

	var reqErr *requestError
	require.ErrorAs(t, decodeErr, &reqErr)
	assert.Equal(t, http.StatusRequestEntityTooLarge, reqErr.problem.Status)
}
