// Package lifecycle starts the parts of a service in order, keeps them running until the
// service is asked to stop or one of them fails, and stops them in reverse order under one
// deadline.
//
// Starting in dependency order and stopping in reverse is what makes a graceful shutdown
// correct: the parts that take traffic stop first, so nothing still serving finds a
// dependency already gone.
package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// Component is a part of the service with a lifetime: a server, a connection pool, a
// telemetry exporter.
type Component interface {
	// Name identifies the component in logs and errors.
	Name() string
	// Start makes the component ready and returns once it is: a server is listening, a pool
	// has reached its database. Long-running work goes on in goroutines of the component.
	Start(ctx context.Context) error
	// Stop releases the component, finishing in-flight work until ctx is done.
	Stop(ctx context.Context) error
}

// Failer is a Component that can fail while it runs, after Start returned. Its channel
// delivers that failure; Run then stops the service.
type Failer interface {
	Err() <-chan error
}

// Func returns a Component named name made of two functions, either of which may be nil.
func Func(name string, start, stop func(ctx context.Context) error) Component {
	return funcs{name: name, start: start, stop: stop}
}

type funcs struct {
	name        string
	start, stop func(context.Context) error
}

func (f funcs) Name() string { return f.name }

func (f funcs) Start(ctx context.Context) error {
	if f.start == nil {
		return nil
	}
	return f.start(ctx)
}

func (f funcs) Stop(ctx context.Context) error {
	if f.stop == nil {
		return nil
	}
	return f.stop(ctx)
}

// Run starts components in order and waits until ctx is done or a started component fails;
// then it stops the started components in reverse order, all within shutdownTimeout. When a
// component fails to start, the ones started before it are stopped the same way. The error
// joins the failure that ended the run, if any, with every error of the stops.
func Run(ctx context.Context, logger *slog.Logger, shutdownTimeout time.Duration, components ...Component) error {
	running, cancel := context.WithCancel(ctx)
	defer cancel()
	failures := make(chan error, len(components))
	var started []Component
	var cause error
	for _, c := range components {
		if err := c.Start(ctx); err != nil {
			cause = fmt.Errorf("start %s: %w", c.Name(), err)
			break
		}
		logger.Debug("component started", slog.String("component", c.Name()))
		started = append(started, c)
		if f, ok := c.(Failer); ok {
			go forward(running, c.Name(), f.Err(), failures)
		}
	}
	if cause == nil {
		select {
		case <-ctx.Done():
			logger.Info("shutting down", slog.String("timeout", shutdownTimeout.String()))
		case cause = <-failures:
			logger.Error("shutting down on failure", slog.Any("error", cause))
		}
	}

	stopCtx, cancelStop := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancelStop()
	errs := []error{cause}
	for _, c := range slices.Backward(started) {
		if err := c.Stop(stopCtx); err != nil {
			errs = append(errs, fmt.Errorf("stop %s: %w", c.Name(), err))
			continue
		}
		logger.Info("component stopped", slog.String("component", c.Name()))
	}
	return errors.Join(errs...)
}

// forward passes on the first failure of a running component, until the run ends.
func forward(ctx context.Context, name string, errc <-chan error, failures chan<- error) {
	select {
	case err, ok := <-errc:
		if ok && err != nil {
			failures <- fmt.Errorf("%s failed: %w", name, err)
		}
	case <-ctx.Done():
	}
}
