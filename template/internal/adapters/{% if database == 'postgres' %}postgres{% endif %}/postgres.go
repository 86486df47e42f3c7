// Package postgres implements the application's ports on PostgreSQL with pgx v5: plain SQL,
// one database transaction per unit of work, retried on transient conflicts, and embedded
// goose migrations.
package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"
)

// NewPool returns a connection pool sized and bounded by cfg. It connects lazily: Ping
// checks that the database answers. Every connection runs with cfg's statement_timeout.
func NewPool(cfg Config) (*pgxpool.Pool, error) {
	poolConfig, err := pgxpool.ParseConfig(cfg.URL.Value())
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	poolConfig.MaxConns = cfg.MaxConns
	poolConfig.MinConns = cfg.MinConns
	poolConfig.ConnConfig.ConnectTimeout = cfg.ConnectTimeout
	poolConfig.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(cfg.StatementTimeout.Milliseconds(), 10)
	pool, err := pgxpool.NewWithConfig(context.Background(), poolConfig)
	if err != nil {
		return nil, fmt.Errorf("create pool: %w", err)
	}
	return pool, nil
}

// Ping checks that the database behind pool answers within cfg's connect timeout.
func Ping(ctx context.Context, pool *pgxpool.Pool, cfg Config) error {
	ctx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout)
	defer cancel()
	if err := pool.Ping(ctx); err != nil {
		return fmt.Errorf("connect to postgres: %w", err)
	}
	return nil
}

// Connect opens a connection pool with NewPool and checks that the database answers.
func Connect(ctx context.Context, cfg Config) (*pgxpool.Pool, error) {
	pool, err := NewPool(cfg)
	if err != nil {
		return nil, err
	}
	if err := Ping(ctx, pool, cfg); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}
