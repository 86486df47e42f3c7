package lifecycle

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// journal records what the components of a test did, in order.
type journal struct {
	mu      sync.Mutex
	entries []string
}

func (j *journal) add(entry string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries = append(j.entries, entry)
}

func (j *journal) list() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.entries...)
}

// recorded returns a component that records its start and stop in j and fails them with
// the given errors.
func recorded(j *journal, name string, startErr, stopErr error) Component {
	return Func(name,
		func(context.Context) error { j.add("start " + name); return startErr },
		func(context.Context) error { j.add("stop " + name); return stopErr },
	)
}

// failing is a component that reports a failure on errc while it runs.
type failing struct {
	Component
	errc chan error
}

func (f failing) Err() <-chan error { return f.errc }

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestRunStartsInOrderAndStopsInReverse(t *testing.T) {
	var j journal
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	err := Run(ctx, discard(), time.Second,
		recorded(&j, "pool", nil, nil), recorded(&j, "server", nil, nil), recorded(&j, "readiness", nil, nil))

	require.NoError(t, err)
	assert.Equal(t, []string{
		"start pool", "start server", "start readiness",
		"stop readiness", "stop server", "stop pool",
	}, j.list())
}

func TestRunWaitsForCancellation(t *testing.T) {
	var j journal
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, discard(), time.Second, recorded(&j, "server", nil, nil)) }()

	select {
	case err := <-done:
		t.Fatalf("Run returned %v before the context was cancelled", err)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	require.NoError(t, <-done)
	assert.Equal(t, []string{"start server", "stop server"}, j.list())
}

func TestRunStopsTheStartedOnesWhenAStartFails(t *testing.T) {
	var j journal
	refused := errors.New("connection refused")

	err := Run(context.Background(), discard(), time.Second,
		recorded(&j, "pool", nil, nil), recorded(&j, "cache", nil, nil),
		recorded(&j, "server", refused, nil), recorded(&j, "readiness", nil, nil))

	require.ErrorIs(t, err, refused)
	require.ErrorContains(t, err, "start server")
	assert.Equal(t, []string{"start pool", "start cache", "start server", "stop cache", "stop pool"}, j.list())
}

func TestRunStopsWhenAComponentFailsWhileRunning(t *testing.T) {
	var j journal
	crashed := errors.New("listener closed")
	server := failing{Component: recorded(&j, "server", nil, nil), errc: make(chan error, 1)}
	server.errc <- crashed

	err := Run(context.Background(), discard(), time.Second, recorded(&j, "pool", nil, nil), server)

	require.ErrorIs(t, err, crashed)
	require.ErrorContains(t, err, "server failed")
	assert.Equal(t, []string{"start pool", "start server", "stop server", "stop pool"}, j.list())
}

func TestRunJoinsEveryStopError(t *testing.T) {
	var j journal
	flush, drain := errors.New("flush failed"), errors.New("drain failed")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	err := Run(ctx, discard(), time.Second,
		recorded(&j, "telemetry", nil, flush), recorded(&j, "server", nil, drain))

	require.ErrorIs(t, err, flush)
	require.ErrorIs(t, err, drain)
	assert.Equal(t, []string{"start telemetry", "start server", "stop server", "stop telemetry"}, j.list())
}

func TestRunStopsEverythingUnderOneDeadline(t *testing.T) {
	var j journal
	stuck := Func("server", nil, func(ctx context.Context) error {
		<-ctx.Done()
		j.add("stop server")
		return ctx.Err()
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	begin := time.Now()
	err := Run(ctx, discard(), 50*time.Millisecond, recorded(&j, "pool", nil, nil), stuck)

	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(begin), time.Second)
	assert.Equal(t, []string{"start pool", "stop server", "stop pool"}, j.list(), "the pool is still closed after the deadline")
}
