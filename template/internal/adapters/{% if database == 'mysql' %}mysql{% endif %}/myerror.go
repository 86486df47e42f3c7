package mysql

import (
	"errors"
	"strings"

	mysqldriver "github.com/go-sql-driver/mysql"
)

// Server error numbers the adapter tells apart.
const (
	errDuplicateKey          = 1062
	errUnknownSystemVariable = 1193
	errLockWaitTimeout       = 1205
)

// errorNumber returns the server's error number of err, or 0 when err is not a server error.
func errorNumber(err error) uint16 {
	var myErr *mysqldriver.MySQLError
	if errors.As(err, &myErr) {
		return myErr.Number
	}
	return 0
}

// isDuplicateKey reports a duplicate entry for the named unique key. The server names the
// key only in its message: MariaDB as 'key', MySQL 8 as 'table.key'.
func isDuplicateKey(err error, key string) bool {
	var myErr *mysqldriver.MySQLError
	if !errors.As(err, &myErr) || myErr.Number != errDuplicateKey {
		return false
	}
	return strings.HasSuffix(myErr.Message, "'"+key+"'") || strings.HasSuffix(myErr.Message, "."+key+"'")
}
