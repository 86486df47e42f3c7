// Package ports declares what the application needs from the outside world. The application
// owns these interfaces; adapters (postgres, memory, system) implement them.
package ports

import (
	"time"

	"github.com/google/uuid"
)

// Clock tells the time. Handlers take it as a port so tests control time.
type Clock interface {
	Now() time.Time
}

// IDGenerator issues new unique identifiers.
type IDGenerator interface {
	NewID() uuid.UUID
}
