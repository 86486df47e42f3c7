package mysql

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrator applies the embedded, versioned SQL migrations. A named lock of the server
// (GET_LOCK, per database) keeps replicas that start together from migrating at once.
// Migrations are applied out of order too: a component's migrations are numbered apart
// from the preset's, so that one added to a service later, or a preset migration released
// after it, still applies.
type Migrator struct {
	provider *goose.Provider
}

// NewMigrator returns a Migrator over db.
func NewMigrator(db *sql.DB) (*Migrator, error) {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	provider, err := goose.NewProvider(goose.DialectMySQL, db, fsys, goose.WithSessionLocker(sessionLocker{}),
		goose.WithAllowOutofOrder(true))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return &Migrator{provider: provider}, nil
}

// Up applies every pending migration.
//
// goose's Up first looks for pending migrations without the lock, and that look creates the
// version table if it is missing. On MySQL, CREATE TABLE commits on its own, before the
// table's first row is inserted, so replicas starting together on an empty database could
// see the table without that row and fail with "missing zero version migration". Reading
// the version first, under the lock, creates the table whole before any replica looks.
func (m *Migrator) Up(ctx context.Context) ([]*goose.MigrationResult, error) {
	if _, err := m.provider.GetDBVersion(ctx); err != nil {
		return nil, fmt.Errorf("read the schema version: %w", err)
	}
	return m.provider.Up(ctx)
}

// Down rolls back the most recent migration.
func (m *Migrator) Down(ctx context.Context) (*goose.MigrationResult, error) {
	return m.provider.Down(ctx)
}

// Reset rolls back every migration.
func (m *Migrator) Reset(ctx context.Context) ([]*goose.MigrationResult, error) {
	return m.provider.DownTo(ctx, 0)
}

// Status lists every migration with whether and when it was applied.
func (m *Migrator) Status(ctx context.Context) ([]*goose.MigrationStatus, error) {
	return m.provider.Status(ctx)
}

// Waiting for another process's migrations: GET_LOCK is polled without blocking, so the
// wait is bounded by the context and never by the statement timeout.
const (
	migrationLockPoll = 200 * time.Millisecond
	migrationLockWait = 5 * time.Minute
)

// migrationLock names the lock of the current database. Lock names are server-wide and at
// most 64 characters, so the database name is hashed.
const migrationLock = "CONCAT('goose:', MD5(DATABASE()))"

// sessionLocker holds a GET_LOCK named lock on goose's connection while it migrates. The
// server releases it when the session ends, so a process that dies never leaves it behind.
type sessionLocker struct{}

func (sessionLocker) SessionLock(ctx context.Context, conn *sql.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, migrationLockWait)
	defer cancel()
	ticker := time.NewTicker(migrationLockPoll)
	defer ticker.Stop()
	for {
		var acquired sql.NullInt64
		if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK("+migrationLock+", 0)").Scan(&acquired); err != nil {
			return fmt.Errorf("take the migration lock: %w", err)
		}
		if acquired.Valid && acquired.Int64 == 1 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("take the migration lock: another process holds it: %w", ctx.Err())
		case <-ticker.C:
		}
	}
}

func (sessionLocker) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	var released sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT RELEASE_LOCK("+migrationLock+")").Scan(&released); err != nil {
		return fmt.Errorf("release the migration lock: %w", err)
	}
	if !released.Valid || released.Int64 != 1 {
		return errors.New("release the migration lock: this session did not hold it")
	}
	return nil
}
