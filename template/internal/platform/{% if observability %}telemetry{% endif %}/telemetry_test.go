package telemetry

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func TestSetupExportsSpansToTheOTLPEndpoint(t *testing.T) {
	var exports atomic.Int32
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/traces" {
			exports.Add(1)
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer collector.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	t.Setenv("OTEL_TRACES_EXPORTER", "")

	tel, err := Setup(context.Background(), "test-service", "v1.2.3")
	require.NoError(t, err)
	_, span := otel.Tracer("test").Start(context.Background(), "work")
	span.End()
	require.NoError(t, tel.Shutdown(context.Background()))

	assert.Equal(t, int32(1), exports.Load(), "Shutdown flushed the span to the collector")
}

func TestSetupWithoutEndpointExportsNothing(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")

	tel, err := Setup(context.Background(), "test-service", "v1.2.3")
	require.NoError(t, err)
	_, span := otel.Tracer("test").Start(context.Background(), "work")
	span.End()

	require.NoError(t, tel.Shutdown(context.Background()))
	assert.NotNil(t, tel.Registry)
}

func TestSetupInstallsW3CPropagation(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	tel, err := Setup(context.Background(), "test-service", "v1.2.3")
	require.NoError(t, err)
	defer func() { _ = tel.Shutdown(context.Background()) }()

	exporter := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	ctx, span := tp.Tracer("test").Start(context.Background(), "outgoing")
	header := http.Header{}
	otel.GetTextMapPropagator().Inject(ctx, propagation.HeaderCarrier(header))
	span.End()

	require.Len(t, exporter.GetSpans(), 1, "the span was recorded")
	traceID := exporter.GetSpans()[0].SpanContext.TraceID().String()
	assert.Contains(t, header.Get("Traceparent"), traceID)
}

func TestNewRegistryIsIndependent(t *testing.T) {
	first, second := NewRegistry(), NewRegistry()

	assert.NotSame(t, first, second)
	count, err := testutil.GatherAndCount(first, "go_goroutines")
	require.NoError(t, err)
	assert.Equal(t, 1, count)
}
