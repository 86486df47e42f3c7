package health

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func passing(name string) Check {
	return Check{Name: name, Check: func(context.Context) error { return nil }}
}

func failing(name string, err error) Check {
	return Check{Name: name, Check: func(context.Context) error { return err }}
}

func optional(c Check) Check {
	c.Optional = true
	return c
}

// hanging ignores its context, as a badly written check would.
func hanging(name string, release <-chan struct{}) Check {
	return Check{Name: name, Check: func(context.Context) error {
		<-release
		return nil
	}}
}

var discard = slog.New(slog.DiscardHandler)

func serveReady(t *testing.T, rd *Readiness) (int, Report) {
	t.Helper()
	rec := httptest.NewRecorder()
	rd.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/health/ready", nil))
	assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	var report Report
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &report))
	return rec.Code, report
}

func TestReadiness(t *testing.T) {
	tests := []struct {
		name       string
		checks     []Check
		wantCode   int
		wantReport Report
	}{
		{
			name:       "no checks",
			wantCode:   http.StatusOK,
			wantReport: Report{Status: StatusOK, Checks: []CheckResult{}},
		},
		{
			name:     "all pass",
			checks:   []Check{passing("db"), passing("cache")},
			wantCode: http.StatusOK,
			wantReport: Report{Status: StatusOK, Checks: []CheckResult{
				{Name: "db", Status: StatusOK},
				{Name: "cache", Status: StatusOK},
			}},
		},
		{
			name:     "one fails",
			checks:   []Check{passing("db"), failing("cache", errors.New("connection refused"))},
			wantCode: http.StatusServiceUnavailable,
			wantReport: Report{Status: StatusUnavailable, Checks: []CheckResult{
				{Name: "db", Status: StatusOK},
				{Name: "cache", Status: StatusUnavailable},
			}},
		},
		{
			name:     "an optional one fails",
			checks:   []Check{passing("db"), optional(failing("broker", errors.New("connection refused")))},
			wantCode: http.StatusOK,
			wantReport: Report{Status: StatusDegraded, Checks: []CheckResult{
				{Name: "db", Status: StatusOK},
				{Name: "broker", Status: StatusUnavailable},
			}},
		},
		{
			name: "a required and an optional one fail",
			checks: []Check{
				optional(failing("broker", errors.New("connection refused"))),
				failing("db", errors.New("connection refused")),
			},
			wantCode: http.StatusServiceUnavailable,
			wantReport: Report{Status: StatusUnavailable, Checks: []CheckResult{
				{Name: "broker", Status: StatusUnavailable},
				{Name: "db", Status: StatusUnavailable},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, report := serveReady(t, NewReadiness(discard, time.Second, tt.checks...))
			assert.Equal(t, tt.wantCode, code)
			assert.Equal(t, tt.wantReport, report)
		})
	}
}

func TestReadinessTimesOutEachCheck(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	rd := NewReadiness(discard, 20*time.Millisecond, hanging("slow", release), passing("db"))

	start := time.Now()
	report := rd.Run(context.Background())

	assert.Less(t, time.Since(start), time.Second)
	assert.Equal(t, StatusUnavailable, report.Status)
	assert.Equal(t, CheckResult{Name: "slow", Status: StatusUnavailable, Err: context.DeadlineExceeded}, report.Checks[0])
	assert.Equal(t, StatusOK, report.Checks[1].Status)
}

func TestReadinessRunsChecksConcurrently(t *testing.T) {
	slow := Check{Name: "slow", Check: func(context.Context) error {
		time.Sleep(100 * time.Millisecond)
		return nil
	}}
	rd := NewReadiness(discard, time.Second, slow, slow, slow, slow)

	start := time.Now()
	report := rd.Run(context.Background())

	assert.Equal(t, StatusOK, report.Status)
	assert.Less(t, time.Since(start), 300*time.Millisecond, "run one after the other, they would take 400ms")
}

func TestReadinessDisabled(t *testing.T) {
	rd := NewReadiness(discard, time.Second, passing("db"))
	rd.Disable()

	code, report := serveReady(t, rd)

	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Equal(t, Report{Status: StatusUnavailable, Checks: []CheckResult{}}, report)
}

func TestReadinessStopsAsAComponent(t *testing.T) {
	rd := NewReadiness(discard, time.Second, passing("db"))
	require.NoError(t, rd.Start(context.Background()))
	code, _ := serveReady(t, rd)
	require.Equal(t, http.StatusOK, code)

	require.NoError(t, rd.Stop(context.Background()))

	code, _ = serveReady(t, rd)
	assert.Equal(t, http.StatusServiceUnavailable, code)
}

func TestLiveness(t *testing.T) {
	rec := httptest.NewRecorder()
	Liveness(rec, httptest.NewRequest(http.MethodGet, "/health/live", nil))

	assert.Equal(t, http.StatusOK, rec.Code)
	assert.JSONEq(t, `{"status":"ok"}`, rec.Body.String())
}

func TestReadinessLogsWhyAChecksFailsAndServesNoDetails(t *testing.T) {
	var logs bytes.Buffer
	reason := errors.New("dial tcp 10.0.0.7:5432: connect: connection refused (user=ledger database=books)")
	rd := NewReadiness(slog.New(slog.NewTextHandler(&logs, nil)), time.Second, failing("postgres", reason))

	rec := httptest.NewRecorder()
	rd.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/health/ready", nil))

	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.JSONEq(t, `{"status":"unavailable","checks":[{"name":"postgres","status":"unavailable"}]}`, rec.Body.String())
	assert.Contains(t, logs.String(), "readiness check failed")
	assert.Contains(t, logs.String(), "10.0.0.7:5432")
}
