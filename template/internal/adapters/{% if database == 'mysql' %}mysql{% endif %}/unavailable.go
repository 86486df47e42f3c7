package mysql

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"

	mysqldriver "github.com/go-sql-driver/mysql"
)

// Server error numbers of a server that cannot answer now.
const (
	errTooManyConnections    = 1040
	errServerShutdown        = 1053
	errMariaDBStatementTime  = 1969 // max_statement_time exceeded
	errMySQLExecutionTimeout = 3024 // max_execution_time exceeded
)

// IsUnavailable reports whether err says the server could not answer, rather than refused
// the request: it could not be reached or the connection broke, it is shutting down or out
// of connections, or a statement outlived DB_STATEMENT_TIMEOUT. The request may succeed
// when retried, so the service answers 503, not 500.
func IsUnavailable(err error) bool {
	switch errorNumber(err) {
	case errTooManyConnections, errServerShutdown, errMariaDBStatementTime, errMySQLExecutionTimeout:
		return true
	case 0:
	default:
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, mysqldriver.ErrInvalidConn) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed)
}
