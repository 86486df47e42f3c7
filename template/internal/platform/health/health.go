// Package health serves the liveness and readiness probes.
//
// Liveness says the process can serve at all; it never looks at dependencies, so a database
// outage does not get every replica restarted. Readiness runs one check per dependency,
// concurrently and each under a timeout, and is switched off at the start of a graceful
// shutdown so load balancers stop sending traffic before the server drains. Its body names
// each check and its status only: why a check failed is logged, never served, so the probe
// tells no caller which user, database or address a dependency has.
package health

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Statuses reported in probe bodies.
const (
	StatusOK          = "ok"
	StatusUnavailable = "unavailable"
	// StatusDegraded is the readiness of a service whose optional dependencies are not all
	// usable: it is ready, without them.
	StatusDegraded = "degraded"
)

// Check probes one dependency. Check returns nil when the dependency is usable; it should
// honour the context's deadline.
type Check struct {
	Name  string
	Check func(context.Context) error
	// Optional is true for a dependency the service serves without, such as a message
	// broker behind an outbox: its failure is reported, and the service is degraded but
	// ready.
	Optional bool
}

// Report is the body of the readiness probe.
type Report struct {
	Status string        `json:"status"`
	Checks []CheckResult `json:"checks"`
}

// CheckResult is the outcome of one check. Err, the reason a check failed, is logged and
// kept out of the probe's body.
type CheckResult struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Err    error  `json:"-"`
}

// Readiness is the readiness probe. It is an http.Handler answering 200 when every check
// passes and 503 otherwise.
type Readiness struct {
	logger   *slog.Logger
	checks   []Check
	timeout  time.Duration
	disabled atomic.Bool
}

// NewReadiness returns a readiness probe running checks, each bounded by timeout, that logs
// why a check failed to logger.
func NewReadiness(logger *slog.Logger, timeout time.Duration, checks ...Check) *Readiness {
	return &Readiness{logger: logger, checks: checks, timeout: timeout}
}

// Disable makes the probe report unavailable from now on, whatever the checks say.
// Call it when shutdown begins.
func (rd *Readiness) Disable() {
	rd.disabled.Store(true)
}

// Name identifies the probe as a lifecycle component.
func (rd *Readiness) Name() string { return "readiness" }

// Start does nothing: the probe answers from the moment it exists. It makes the probe a
// lifecycle component, started last so that it is stopped first.
func (rd *Readiness) Start(context.Context) error { return nil }

// Stop disables the probe, so that load balancers stop sending traffic before the server
// drains.
func (rd *Readiness) Stop(context.Context) error {
	rd.Disable()
	return nil
}

// Run runs every check concurrently and reports their outcomes in the order of the checks.
// A check that outlives its timeout is reported as failed without waiting for it.
func (rd *Readiness) Run(ctx context.Context) Report {
	if rd.disabled.Load() {
		return Report{Status: StatusUnavailable, Checks: []CheckResult{}}
	}
	results := make([]CheckResult, len(rd.checks))
	var wg sync.WaitGroup
	for i, c := range rd.checks {
		wg.Go(func() {
			results[i] = rd.run(ctx, c)
		})
	}
	wg.Wait()

	report := Report{Status: StatusOK, Checks: results}
	for i, r := range results {
		switch {
		case r.Status == StatusOK:
		case !rd.checks[i].Optional:
			report.Status = StatusUnavailable
		case report.Status == StatusOK:
			report.Status = StatusDegraded
		}
	}
	return report
}

func (rd *Readiness) run(ctx context.Context, c Check) CheckResult {
	ctx, cancel := context.WithTimeout(ctx, rd.timeout)
	defer cancel()

	done := make(chan error, 1)
	go func() { done <- c.Check(ctx) }()

	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		return CheckResult{Name: c.Name, Status: StatusUnavailable, Err: err}
	}
	return CheckResult{Name: c.Name, Status: StatusOK}
}

// ServeHTTP answers the readiness probe.
func (rd *Readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	report := rd.Run(r.Context())
	for _, c := range report.Checks {
		if c.Err != nil {
			rd.logger.LogAttrs(r.Context(), slog.LevelWarn, "readiness check failed",
				slog.String("check", c.Name), slog.Any("error", c.Err))
		}
	}
	status := http.StatusOK
	if report.Status == StatusUnavailable {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, report)
}

// Liveness answers the liveness probe: the process is up and serving HTTP.
func Liveness(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": StatusOK})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
