package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
)

func TestIsUnavailable(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for name, err := range map[string]error{
		"refused connection": fmt.Errorf("begin: %w", refused),
		"statement timeout":  &pgconn.PgError{Code: "57014"},
		"admin shutdown":     &pgconn.PgError{Code: "57P01"},
		"starting up":        &pgconn.PgError{Code: "57P03"},
		"too many clients":   &pgconn.PgError{Code: "53300"},
		"connection failure": &pgconn.PgError{Code: "08006"},
		"lost connection":    fmt.Errorf("query: %w", io.ErrUnexpectedEOF),
		"deadline":           fmt.Errorf("query: %w", context.DeadlineExceeded),
	} {
		assert.True(t, IsUnavailable(err), name)
	}
	for name, err := range map[string]error{
		"unique violation": &pgconn.PgError{Code: uniqueViolation},
		"check violation":  &pgconn.PgError{Code: "23514"},
		"syntax error":     &pgconn.PgError{Code: "42601"},
		"anything else":    errors.New("boom"),
	} {
		assert.False(t, IsUnavailable(err), name)
	}
}
