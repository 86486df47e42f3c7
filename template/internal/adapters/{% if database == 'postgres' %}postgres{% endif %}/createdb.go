package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// maintenanceDatabase is the database every PostgreSQL server has, to connect to before the
// service's own exists.
const maintenanceDatabase = "postgres"

// CreateDatabase creates the database that cfg's URL names when the server has none of that
// name, and reports whether it did. It connects to the same server as the same user, to its
// maintenance database, so the user needs the CREATEDB privilege. It is meant for development
// machines and first installs: production databases are provisioned, not created by services.
func CreateDatabase(ctx context.Context, cfg Config) (bool, error) {
	connConfig, err := pgx.ParseConfig(cfg.URL.Value())
	if err != nil {
		return false, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	name := connConfig.Database
	if name == "" {
		return false, errors.New("DATABASE_URL names no database")
	}
	connConfig.Database = maintenanceDatabase
	connConfig.ConnectTimeout = cfg.ConnectTimeout

	ctx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout+cfg.StatementTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, connConfig)
	if err != nil {
		return false, fmt.Errorf("connect to postgres: %w", err)
	}
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()

	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return false, fmt.Errorf("look up database %s: %w", name, err)
	}
	if exists {
		return false, nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return false, fmt.Errorf("create database %s: %w", name, err)
	}
	return true, nil
}
