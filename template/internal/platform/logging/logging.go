// Package logging builds the service's one logger.
//
// The service logs with log/slog from the standard library: structured, leveled, fast enough
// for a high-volume back end, and without a dependency. One *slog.Logger is built at start
// and passed down explicitly; packages never create their own or use the global one.
package logging

import (
	"io"
	"log/slog"
)

// New returns a logger writing one JSON object per line to w, dropping records below level.
func New(w io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}
