// Package mysql implements the application's ports on MySQL 8 and MariaDB 10.11+ with
// database/sql and go-sql-driver/mysql: plain SQL, one InnoDB transaction per unit of work
// that locks the rows it changes, retried on deadlocks and lock wait timeouts, and embedded
// goose migrations.
package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"
)

// NewDB returns a connection pool sized and bounded by cfg. It connects lazily: Ping checks
// that the database answers. Every connection reads and writes times in UTC, runs in strict
// SQL mode and with cfg's statement and lock wait timeouts.
func NewDB(cfg Config) (*sql.DB, error) {
	dsn, err := mysqldriver.ParseDSN(cfg.DSN.Value())
	if err != nil {
		// The driver's message may quote parts of the DSN: never repeat it.
		return nil, errors.New("parse MYSQL_DSN: not a go-sql-driver DSN")
	}
	dsn.ParseTime = true
	dsn.Loc = time.UTC
	dsn.Timeout = cfg.ConnectTimeout
	// Placeholders are filled in by the driver (escaped for the connection's utf8mb4), so a
	// statement is one round trip instead of prepare, execute and close: rows stay locked
	// for fewer round trips.
	dsn.InterpolateParams = true
	if dsn.Params == nil {
		dsn.Params = map[string]string{}
	}
	dsn.Params["time_zone"] = "'+00:00'"
	dsn.Params["sql_mode"] = "'TRADITIONAL'"
	dsn.Params["innodb_lock_wait_timeout"] = strconv.FormatInt(int64(cfg.LockWaitTimeout/time.Second), 10)
	// DATETIME(6) keeps microseconds. Times are sent truncated to them, never rounded up by
	// the server (MySQL rounds by default), so "at or before" comparisons stay exact.
	if err := dsn.Apply(mysqldriver.TimeTruncate(time.Microsecond)); err != nil {
		return nil, fmt.Errorf("configure mysql connector: %w", err)
	}
	connector, err := mysqldriver.NewConnector(dsn)
	if err != nil {
		return nil, errors.New("configure mysql connector: invalid MYSQL_DSN settings")
	}
	db := sql.OpenDB(sessionConnector{Connector: connector, statementTimeout: cfg.StatementTimeout})
	db.SetMaxOpenConns(cfg.MaxConns)
	db.SetMaxIdleConns(cfg.MaxIdleConns)
	db.SetConnMaxLifetime(cfg.ConnMaxLifetime)
	db.SetConnMaxIdleTime(cfg.ConnMaxIdleTime)
	return db, nil
}

// Ping checks that the database behind db answers within cfg's connect timeout.
func Ping(ctx context.Context, db *sql.DB, cfg Config) error {
	ctx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		return fmt.Errorf("connect to mysql: %w", err)
	}
	return nil
}

// Connect opens a connection pool with NewDB and checks that the database answers.
func Connect(ctx context.Context, cfg Config) (*sql.DB, error) {
	db, err := NewDB(cfg)
	if err != nil {
		return nil, err
	}
	if err := Ping(ctx, db, cfg); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// sessionConnector sets the statement timeout on every new connection. MariaDB and MySQL
// name it differently: MariaDB's max_statement_time (seconds) bounds every statement;
// MySQL, which does not know it, has max_execution_time (milliseconds) for reads.
type sessionConnector struct {
	driver.Connector
	statementTimeout time.Duration
}

func (c sessionConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	execer, ok := conn.(driver.ExecerContext)
	if !ok {
		_ = conn.Close()
		return nil, errors.New("mysql connection cannot execute statements")
	}
	seconds := strconv.FormatFloat(c.statementTimeout.Seconds(), 'f', 6, 64)
	_, err = execer.ExecContext(ctx, "SET SESSION max_statement_time = "+seconds, nil)
	if errorNumber(err) == errUnknownSystemVariable {
		millis := strconv.FormatInt(max(c.statementTimeout.Milliseconds(), 1), 10)
		_, err = execer.ExecContext(ctx, "SET SESSION max_execution_time = "+millis, nil)
	}
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("set statement timeout: %w", err)
	}
	return conn, nil
}
