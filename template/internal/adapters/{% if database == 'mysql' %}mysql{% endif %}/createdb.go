package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	mysqldriver "github.com/go-sql-driver/mysql"
)

// CreateDatabase creates the database that cfg's DSN names when the server has none of that
// name (utf8mb4, binary collation, as the migrations expect), and reports whether it did. It
// connects to the same server as the same user without selecting a database, so the user
// needs the CREATE privilege. It is meant for development machines and first installs:
// production databases are provisioned, not created by services.
func CreateDatabase(ctx context.Context, cfg Config) (bool, error) {
	dsn, err := mysqldriver.ParseDSN(cfg.DSN.Value())
	if err != nil {
		return false, errors.New("parse MYSQL_DSN: not a go-sql-driver DSN")
	}
	name := dsn.DBName
	if name == "" {
		return false, errors.New("MYSQL_DSN names no database")
	}
	dsn.DBName = ""
	dsn.Timeout = cfg.ConnectTimeout
	connector, err := mysqldriver.NewConnector(dsn)
	if err != nil {
		return false, errors.New("configure mysql connector: invalid MYSQL_DSN settings")
	}
	db := sql.OpenDB(connector)
	defer func() { _ = db.Close() }()

	ctx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout+cfg.StatementTimeout)
	defer cancel()
	var found int
	err = db.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", name).Scan(&found)
	if err != nil {
		return false, fmt.Errorf("look up database %s: %w", name, err)
	}
	if found > 0 {
		return false, nil
	}
	quoted := "`" + strings.ReplaceAll(name, "`", "``") + "`"
	if _, err := db.ExecContext(ctx, "CREATE DATABASE IF NOT EXISTS "+quoted+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		return false, fmt.Errorf("create database %s: %w", name, err)
	}
	return true, nil
}
