// Package system adapts the machine's clock and a UUID generator to the
// application's Clock and IDGenerator ports.
package system

import (
	"time"

	"github.com/google/uuid"
)

// Clock reads the wall clock.
type Clock struct{}

// Now returns the current time in UTC.
func (Clock) Now() time.Time { return time.Now().UTC() }

// IDs issues UUIDv7 identifiers: unique and ordered by creation time, which
// keeps the database's primary-key indexes compact.
type IDs struct{}

// NewID returns a new UUIDv7. It falls back to a random UUIDv4 only if the
// v7 generator fails, which it does when the system's random source does.
func (IDs) NewID() uuid.UUID {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.New()
	}
	return id
}
