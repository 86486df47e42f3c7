package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PostgreSQL error codes the adapter reacts to.
const (
	uniqueViolation      = "23505"
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
)

// Backoff between retries of a unit of work: full jitter over an exponential
// ceiling, so competing requests spread out instead of colliding again.
const (
	retryBaseDelay = 2 * time.Millisecond
	retryMaxDelay  = 100 * time.Millisecond
)

// inTx runs fn in a READ COMMITTED transaction on pool and commits it. When fn or the commit
// fails with an error retry accepts, the transaction is rolled back and run again after a
// short jittered pause, at most maxRetries times. It returns the last error.
func inTx(ctx context.Context, pool *pgxpool.Pool, maxRetries int, retry func(error) bool,
	fn func(ctx context.Context, tx pgx.Tx) error,
) error {
	for attempt := 0; ; attempt++ {
		err := attemptTx(ctx, pool, fn)
		if err == nil || !retry(err) || attempt >= maxRetries {
			return err
		}
		timer := time.NewTimer(retryPause(attempt))
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// retryPause is the pause before retry number attempt+1: uniformly random in
// (0, retryCeiling(attempt)].
func retryPause(attempt int) time.Duration {
	return rand.N(retryCeiling(attempt)) + 1 // #nosec G404 -- jitter spreads retries apart; it need not be unpredictable.
}

// retryCeiling is retryBaseDelay doubled attempt times, capped at retryMaxDelay. It doubles
// step by step and stops at the cap, so no attempt count can overflow the shift.
func retryCeiling(attempt int) time.Duration {
	ceiling := retryBaseDelay
	for range attempt {
		if ceiling >= retryMaxDelay/2 {
			return retryMaxDelay
		}
		ceiling *= 2
	}
	return ceiling
}

func attemptTx(ctx context.Context, pool *pgxpool.Pool, fn func(ctx context.Context, tx pgx.Tx) error) (err error) {
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err := fn(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// isSerializationConflict reports a transaction the server aborted so that another could
// proceed: running it again may well succeed.
func isSerializationConflict(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == serializationFailure || pgErr.Code == deadlockDetected)
}

// isConstraintViolation reports a unique violation of the named constraint.
func isConstraintViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == uniqueViolation && pgErr.ConstraintName == constraint
}
