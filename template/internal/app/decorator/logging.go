package decorator

import (
	"context"
	"log/slog"
	"time"
)

// logging logs each call with its handler, duration and error. It never logs the command or
// query itself: they may carry personal or payment data.
type logging[T, R any] struct {
	next   handler[T, R]
	kind   string
	name   string
	logger *slog.Logger
}

func (d logging[T, R]) Handle(ctx context.Context, in T) (R, error) {
	start := time.Now()
	out, err := d.next.Handle(ctx, in)
	attrs := []slog.Attr{
		slog.String("kind", d.kind),
		slog.String("handler", d.name),
		slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		d.logger.LogAttrs(ctx, slog.LevelWarn, "handler failed", append(attrs, slog.Any("error", err))...)
		return out, err
	}
	d.logger.LogAttrs(ctx, slog.LevelDebug, "handler succeeded", attrs...)
	return out, nil
}
