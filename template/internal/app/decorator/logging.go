package decorator

import (
	"context"
	"log/slog"
	"time"
)

// Logging logs each call with its handler, duration and error. It never logs the command or
// query itself: they may carry personal or payment data.
func Logging(logger *slog.Logger) Decorator {
	return func(h Handler, next Func) Func {
		return func(ctx context.Context, in any) (any, error) {
			start := time.Now()
			out, err := next(ctx, in)
			attrs := []slog.Attr{
				slog.String("kind", h.Kind),
				slog.String("handler", h.Name),
				slog.Duration("duration", time.Since(start)),
			}
			if err != nil {
				logger.LogAttrs(ctx, slog.LevelWarn, "handler failed", append(attrs, slog.Any("error", err))...)
				return out, err
			}
			logger.LogAttrs(ctx, slog.LevelDebug, "handler succeeded", attrs...)
			return out, nil
		}
	}
}
