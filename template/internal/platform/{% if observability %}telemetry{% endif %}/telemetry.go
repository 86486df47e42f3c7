// Package telemetry sets up tracing with OpenTelemetry and metrics with Prometheus.
//
// Tracing follows the standard OTEL_* environment variables, so operators configure it the
// same way for every service: spans are exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT
// or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, and go nowhere otherwise, so the service runs
// locally with nothing to set up. Trace context travels in W3C traceparent/baggage headers.
package telemetry

import (
	"context"
	"fmt"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// Telemetry holds what the service instruments itself with.
type Telemetry struct {
	// Registry collects the service's Prometheus metrics, served at /metrics.
	Registry *prometheus.Registry

	tracerProvider *sdktrace.TracerProvider
}

// Setup builds the tracer provider from the OTEL_* environment and installs it, with the W3C
// propagators, as the global OpenTelemetry provider that instrumentation libraries use.
// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override serviceName and serviceVersion.
func Setup(ctx context.Context, serviceName, serviceVersion string) (*Telemetry, error) {
	res, err := resource.New(ctx,
		resource.WithAttributes(semconv.ServiceName(serviceName), semconv.ServiceVersion(serviceVersion)),
		resource.WithFromEnv(),
		resource.WithTelemetrySDK(),
	)
	if err != nil {
		return nil, fmt.Errorf("telemetry resource: %w", err)
	}
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	if exportsTraces() {
		exporter, err := otlptracehttp.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("otlp trace exporter: %w", err)
		}
		opts = append(opts, sdktrace.WithBatcher(exporter))
	}
	tp := sdktrace.NewTracerProvider(opts...)
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(
		propagation.TraceContext{}, propagation.Baggage{},
	))
	return &Telemetry{Registry: NewRegistry(), tracerProvider: tp}, nil
}

// exportsTraces reports whether an OTLP endpoint is configured and not switched off.
func exportsTraces() bool {
	if os.Getenv("OTEL_TRACES_EXPORTER") == "none" {
		return false
	}
	return os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// Shutdown flushes the spans not yet exported and stops the tracer provider, until ctx is done.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	if err := t.tracerProvider.Shutdown(ctx); err != nil {
		return fmt.Errorf("flush traces: %w", err)
	}
	return nil
}

// NewRegistry returns a Prometheus registry with the Go runtime and process collectors.
// Each call returns an independent registry, so tests never collide on registration.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return reg
}
