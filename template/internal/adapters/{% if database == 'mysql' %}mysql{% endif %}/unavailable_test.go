package mysql

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/assert"
)

func TestIsUnavailable(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for name, err := range map[string]error{
		"refused connection": fmt.Errorf("begin: %w", refused),
		"broken connection":  mysqldriver.ErrInvalidConn,
		"bad connection":     fmt.Errorf("query: %w", driver.ErrBadConn),
		"statement timeout":  &mysqldriver.MySQLError{Number: errMariaDBStatementTime},
		"shutting down":      &mysqldriver.MySQLError{Number: errServerShutdown},
		"too many":           &mysqldriver.MySQLError{Number: errTooManyConnections},
		"deadline":           fmt.Errorf("query: %w", context.DeadlineExceeded),
	} {
		assert.True(t, IsUnavailable(err), name)
	}
	for name, err := range map[string]error{
		"duplicate key": &mysqldriver.MySQLError{Number: errDuplicateKey},
		"syntax error":  &mysqldriver.MySQLError{Number: 1064},
		"anything else": errors.New("boom"),
	} {
		assert.False(t, IsUnavailable(err), name)
	}
}
