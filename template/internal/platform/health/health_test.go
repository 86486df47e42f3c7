package health

import (
	"context"
	"encoding/json"
	"errors"
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

// hanging ignores its context, as a badly written check would.
func hanging(name string, release <-chan struct{}) Check {
	return Check{Name: name, Check: func(context.Context) error {
		<-release
		return nil
	}}
}

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
				{Name: "cache", Status: StatusUnavailable, Error: "connection refused"},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, report := serveReady(t, NewReadiness(time.Second, tt.checks...))
			assert.Equal(t, tt.wantCode, code)
			assert.Equal(t, tt.wantReport, report)
		})
	}
}

func TestReadinessTimesOutEachCheck(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	rd := NewReadiness(20*time.Millisecond, hanging("slow", release), passing("db"))

	start := time.Now()
	code, report := serveReady(t, rd)

	assert.Less(t, time.Since(start), time.Second)
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Equal(t, CheckResult{Name: "slow", Status: StatusUnavailable, Error: context.DeadlineExceeded.Error()}, report.Checks[0])
	assert.Equal(t, StatusOK, report.Checks[1].Status)
}

func TestReadinessRunsChecksConcurrently(t *testing.T) {
	slow := Check{Name: "slow", Check: func(context.Context) error {
		time.Sleep(100 * time.Millisecond)
		return nil
	}}
	rd := NewReadiness(time.Second, slow, slow, slow, slow)

	start := time.Now()
	report := rd.Run(context.Background())

	assert.Equal(t, StatusOK, report.Status)
	assert.Less(t, time.Since(start), 300*time.Millisecond, "run one after the other, they would take 400ms")
}

func TestReadinessDisabled(t *testing.T) {
	rd := NewReadiness(time.Second, passing("db"))
	rd.Disable()

	code, report := serveReady(t, rd)

	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Equal(t, Report{Status: StatusUnavailable, Checks: []CheckResult{}}, report)
}

func TestReadinessStopsAsAComponent(t *testing.T) {
	rd := NewReadiness(time.Second, passing("db"))
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
