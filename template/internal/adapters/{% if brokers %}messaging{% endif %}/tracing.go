package messaging

import "context"

// Tracer traces the publication and the processing of messages, and carries the trace
// context through their headers. NoTracing is the Tracer of a service without tracing.
type Tracer interface {
	// TraceContext returns the trace context of ctx as headers, to record with an event.
	TraceContext(ctx context.Context) map[string]string
	// StartPublish starts the span of publishing m to destination, in the trace m's headers
	// carry, and puts the span's own context in them; end ends the span.
	StartPublish(m *Message, destination string) (end func(error))
	// StartConsume starts the span of processing m received from origin, in the trace m's
	// headers carry; the context returned carries the span, and end ends it.
	StartConsume(ctx context.Context, m Message, origin string) (context.Context, func(error))
}

// NoTracing traces nothing.
var NoTracing Tracer = noTracing{}

type noTracing struct{}

func (noTracing) TraceContext(context.Context) map[string]string { return nil }

func (noTracing) StartPublish(*Message, string) func(error) { return func(error) {} }

func (noTracing) StartConsume(ctx context.Context, _ Message, _ string) (context.Context, func(error)) {
	return ctx, func(error) {}
}
